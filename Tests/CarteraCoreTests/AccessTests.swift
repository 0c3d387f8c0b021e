import CarteraCore
import Testing

@Suite("Which operations a user sees (rule 2)")
struct OperationScopeTests {
    let branchA = Branch.ID(1), branchB = Branch.ID(2)
    let salesDept = Department.ID(1), techDept = Department.ID(2)

    func viewer(_ id: Int64, level: AccessLevel, branch: Branch.ID?, dept: Department.ID?, subordinates: Set<User.ID> = []) -> Viewer {
        Viewer(user: User(id: .init(id), email: "u\(id)@x.test", name: "u\(id)", roleIDs: [], accessLevel: level,
                          branchID: branch, departmentID: dept, managerID: nil, language: .es, timeZone: "UTC",
                          active: true, clientGroupIDs: [], version: 1),
               isAdmin: false, permissions: [], subordinateIDs: subordinates)
    }

    func sees(_ v: Viewer, owner: Int64, branch: Branch.ID?, dept: Department.ID?, assignee: Int64? = nil, clientVisible: Bool = true) -> Bool {
        OperationScope.of(v).allows(ownerID: .init(owner), ownerBranchID: branch, ownerDepartmentID: dept,
                                    assigneeID: assignee.map(User.ID.init), clientVisible: clientVisible)
    }

    @Test("level 1 sees the company, 2 the branch, 3 the department, 4 their own")
    func levels() {
        let l1 = viewer(1, level: .company, branch: branchA, dept: salesDept)
        let l2 = viewer(2, level: .branch, branch: branchA, dept: salesDept)
        let l3 = viewer(3, level: .department, branch: branchA, dept: salesDept)
        let l4 = viewer(4, level: .own, branch: branchA, dept: salesDept)
        #expect(sees(l1, owner: 9, branch: branchB, dept: techDept))
        #expect(sees(l2, owner: 9, branch: branchA, dept: techDept))
        #expect(!sees(l2, owner: 9, branch: branchB, dept: salesDept))
        #expect(sees(l3, owner: 9, branch: branchB, dept: salesDept))
        #expect(!sees(l3, owner: 9, branch: branchA, dept: techDept))
        #expect(!sees(l4, owner: 9, branch: branchA, dept: salesDept))
        #expect(sees(l4, owner: 4, branch: nil, dept: nil))
    }

    @Test("assigned work and the team below are visible at every level; never off-scope clients")
    func teamAndAssignments() {
        let boss = viewer(5, level: .own, branch: branchA, dept: salesDept, subordinates: [.init(6), .init(7)])
        #expect(sees(boss, owner: 7, branch: branchB, dept: techDept))
        #expect(sees(boss, owner: 9, branch: branchB, dept: techDept, assignee: 5))
        #expect(!sees(boss, owner: 9, branch: branchB, dept: techDept))
        #expect(!sees(boss, owner: 5, branch: branchA, dept: salesDept, clientVisible: false))
        let l1 = viewer(1, level: .company, branch: nil, dept: nil)
        #expect(!sees(l1, owner: 9, branch: nil, dept: nil, clientVisible: false))
    }

    @Test("a user without a branch at level 2 sees only their own and team work")
    func missingBranch() {
        let v = viewer(3, level: .branch, branch: nil, dept: nil)
        #expect(!sees(v, owner: 9, branch: nil, dept: nil))
    }
}

@Suite("Client scope (rule 1)")
struct ClientScopeRuleTests {
    @Test("admins and users without groups see all; others are restricted to groups and team")
    func rule() {
        func viewer(admin: Bool, groups: [ClientGroup.ID]) -> Viewer {
            Viewer(user: User(id: .init(1), email: "a@x.test", name: "a", roleIDs: [], accessLevel: .own, branchID: nil,
                              departmentID: nil, managerID: nil, language: .es, timeZone: "UTC", active: true,
                              clientGroupIDs: groups, version: 1),
                   isAdmin: admin, permissions: [], subordinateIDs: [.init(2)])
        }
        #expect(ClientScope.of(viewer(admin: true, groups: [.init(3)])) == .all)
        #expect(ClientScope.of(viewer(admin: false, groups: [])) == .all)
        #expect(ClientScope.of(viewer(admin: false, groups: [.init(3)]))
                == .restricted(groupIDs: [.init(3)], teamIDs: [.init(1), .init(2)], userID: .init(1)))
    }
}
