import CarteraCore
import Foundation
import SQLKit

/// What is sold and how the funnel is set up: sales projects with their
/// stages, subgroups, products and members; channels; reservation statuses;
/// survey questions; the company's funnel settings. Writes need `manageSettings`.
public struct SalesCatalogueStore: Sendable {
    let database: Database
    let clock: Clock

    public init(database: Database, clock: Clock) { self.database = database; self.clock = clock }

    var organisation: OrganisationStore { OrganisationStore(database: database, clock: clock) }

    // MARK: Settings

    public func settings() async throws -> SalesSettings {
        try await database.read { try await Self.settings($0) }
    }

    static func settings(_ session: Session) async throws -> SalesSettings {
        let row = try await session.first("SELECT * FROM sales_settings WHERE id = 1")!
        return SalesSettings(contactDeadlineHours: Int(try row.int("contact_deadline_hours")),
                             videoURLTemplate: try row.optString("video_url_template"), version: try row.int("version"))
    }

    public func saveSettings(_ settings: SalesSettings, expectedVersion: Int64, by viewer: Viewer) async throws {
        guard viewer.can(.manageSettings) else { throw StoreError.forbidden }
        let settings = try settings.validated()
        try await database.write { session in
            let before = try await Self.settings(session)
            guard before.version == expectedVersion else { throw StoreError.versionConflict(current: before.version) }
            try await session.run("""
                UPDATE sales_settings SET contact_deadline_hours = \(bind: settings.contactDeadlineHours),
                    video_url_template = \(bind: settings.videoURLTemplate), version = version + 1 WHERE id = 1
                """)
            try await AuditLog.record(session, at: clock.now(), userID: viewer.id, entity: "sales_settings", entityID: 1, clientID: nil,
                                      action: "update", changes: AuditLog.diff(
                                        ["contactDeadlineHours": String(before.contactDeadlineHours), "videoUrlTemplate": before.videoURLTemplate ?? ""],
                                        ["contactDeadlineHours": String(settings.contactDeadlineHours), "videoUrlTemplate": settings.videoURLTemplate ?? ""]))
        }
    }

    // MARK: Projects

    public func projects() async throws -> [SalesProject] {
        try await database.read { session in try await session.rows("SELECT * FROM sales_projects ORDER BY name_key").map(Self.project) }
    }

    /// The projects a user works (as manager or seller); every project for admins.
    public func projects(of viewer: Viewer) async throws -> [SalesProject] {
        if viewer.isAdmin { return try await projects() }
        return try await database.read { session in
            try await session.rows("""
                SELECT p.* FROM sales_projects p
                WHERE EXISTS (SELECT 1 FROM sales_project_members m WHERE m.project_id = p.id AND m.user_id = \(bind: viewer.id.rawValue))
                ORDER BY p.name_key
                """).map(Self.project)
        }
    }

    public func project(_ id: SalesProject.ID) async throws -> SalesProject? {
        try await database.read { session in
            try await session.first("SELECT * FROM sales_projects WHERE id = \(bind: id.rawValue)").map(Self.project)
        }
    }

    static func project(_ row: Row) throws -> SalesProject {
        SalesProject(id: try row.id("id"), name: try row.string("name"), active: try row.bool("active"),
                     assignment: SalesProject.Assignment(rawValue: try row.string("assignment")) ?? .roundRobin,
                     fixedResponsibleID: try row.optID("fixed_responsible_id"), version: try row.int("version"))
    }

    public func createProject(name: String?, by viewer: Viewer) async throws -> SalesProject.ID {
        guard viewer.can(.manageSettings) else { throw StoreError.forbidden }
        return SalesProject.ID(try await organisation.createNamed(.salesProjects, name: name, by: viewer.id))
    }

    /// Renames, (de)activates and sets the assignment rule; a fixed rule needs its responsible.
    public func updateProject(_ id: SalesProject.ID, name: String?, active: Bool, assignment: SalesProject.Assignment,
                              fixedResponsibleID: User.ID?, expectedVersion: Int64, by viewer: Viewer) async throws {
        guard viewer.can(.manageSettings) else { throw StoreError.forbidden }
        if assignment == .fixed, fixedResponsibleID == nil { throw ValidationFailure([FieldError("fixedResponsibleId", "required")]) }
        try await database.write { session in
            guard let before = try await session.first("SELECT * FROM sales_projects WHERE id = \(bind: id.rawValue)").map(Self.project) else {
                throw StoreError.notFound
            }
            guard before.version == expectedVersion else { throw StoreError.versionConflict(current: before.version) }
            if let user = fixedResponsibleID, try await !References.isActiveUser(session, user) {
                throw ValidationFailure([FieldError("fixedResponsibleId", "unknown_reference")])
            }
            var v = Validator()
            let name = v.text("name", name, required: true, maxLength: 80) ?? ""
            try v.check()
            try await CatalogueStore.ensureUniqueName(session, table: "sales_projects", name: name, except: id.rawValue)
            try await session.run("""
                UPDATE sales_projects SET name = \(bind: name), name_key = \(bind: Normalization.sortKey(name)), active = \(bind: active),
                    assignment = \(bind: assignment.rawValue), fixed_responsible_id = \(bind: fixedResponsibleID?.rawValue),
                    version = version + 1
                WHERE id = \(bind: id.rawValue)
                """)
            try await AuditLog.record(session, at: clock.now(), userID: viewer.id, entity: "sales_project", entityID: id.rawValue,
                                      clientID: nil, action: "update", changes: AuditLog.diff(
                                        ["name": before.name, "active": String(before.active), "assignment": before.assignment.rawValue,
                                         "fixedResponsibleId": before.fixedResponsibleID?.description ?? ""],
                                        ["name": name, "active": String(active), "assignment": assignment.rawValue,
                                         "fixedResponsibleId": fixedResponsibleID?.description ?? ""]))
        }
    }

    // MARK: Members

    public func members(of project: SalesProject.ID) async throws -> [SalesProjectMember] {
        try await database.read { session in
            try await session.rows("""
                SELECT m.* FROM sales_project_members m JOIN users u ON u.id = m.user_id
                WHERE m.project_id = \(bind: project.rawValue) ORDER BY m.role, u.name_key
                """).map { SalesProjectMember(projectID: try $0.id("project_id"), userID: try $0.id("user_id"),
                                             role: SalesProjectMember.Role(rawValue: try $0.string("role")) ?? .seller) }
        }
    }

    /// Adds the user to the project with the role, changes their role, or (nil) takes them off it.
    public func setMember(_ project: SalesProject.ID, user: User.ID, role: SalesProjectMember.Role?, by viewer: Viewer) async throws {
        guard viewer.can(.manageSettings) else { throw StoreError.forbidden }
        try await database.write { session in
            guard try await session.first("SELECT id FROM sales_projects WHERE id = \(bind: project.rawValue)") != nil else {
                throw StoreError.notFound
            }
            guard try await References.isActiveUser(session, user) || role == nil else {
                throw ValidationFailure([FieldError("userId", "unknown_reference")])
            }
            let before = try await session.first("""
                SELECT role FROM sales_project_members WHERE project_id = \(bind: project.rawValue) AND user_id = \(bind: user.rawValue)
                """).map { try $0.string("role") }
            try await session.run("""
                DELETE FROM sales_project_members WHERE project_id = \(bind: project.rawValue) AND user_id = \(bind: user.rawValue)
                """)
            if let role {
                try await session.run("""
                    INSERT INTO sales_project_members (project_id, user_id, role)
                    VALUES (\(bind: project.rawValue), \(bind: user.rawValue), \(bind: role.rawValue))
                    """)
            }
            try await AuditLog.record(session, at: clock.now(), userID: viewer.id, entity: "sales_project", entityID: project.rawValue,
                                      clientID: nil, action: "member",
                                      changes: [AuditChange(field: "member.\(user)", before: before, after: role?.rawValue)])
        }
    }

    // MARK: Stages, subgroups, products

    public func stages(of project: SalesProject.ID? = nil) async throws -> [SalesStage] {
        try await database.read { session in
            let filter: SQLQueryString = project.map { "WHERE project_id = \(bind: $0.rawValue)" } ?? ""
            return try await session.rows("SELECT * FROM sales_stages \(filter) ORDER BY project_id, name_key").map {
                SalesStage(id: try $0.id("id"), projectID: try $0.id("project_id"), name: try $0.string("name"),
                           active: try $0.bool("active"), version: try $0.int("version"))
            }
        }
    }

    public func subgroups(of project: SalesProject.ID? = nil) async throws -> [SalesSubgroup] {
        try await database.read { session in
            let filter: SQLQueryString = project.map {
                "WHERE stage_id IN (SELECT id FROM sales_stages WHERE project_id = \(bind: $0.rawValue))"
            } ?? ""
            return try await session.rows("SELECT * FROM sales_subgroups \(filter) ORDER BY stage_id, name_key").map {
                SalesSubgroup(id: try $0.id("id"), stageID: try $0.id("stage_id"), name: try $0.string("name"),
                              active: try $0.bool("active"), version: try $0.int("version"))
            }
        }
    }

    public func products(of project: SalesProject.ID? = nil) async throws -> [SalesProduct] {
        try await database.read { session in
            let filter: SQLQueryString = project.map { "WHERE project_id = \(bind: $0.rawValue)" } ?? ""
            return try await session.rows("SELECT * FROM sales_products \(filter) ORDER BY project_id, name_key").map {
                SalesProduct(id: try $0.id("id"), projectID: try $0.id("project_id"), subgroupID: try $0.optID("subgroup_id"),
                             name: try $0.string("name"), model: try $0.optString("model"), active: try $0.bool("active"),
                             version: try $0.int("version"))
            }
        }
    }

    /// A level under a parent: a stage of a project or a subgroup of a stage.
    public enum Level: Sendable { case stage(SalesProject.ID), subgroup(SalesStage.ID) }

    public func createLevel(_ level: Level, name: String?, by viewer: Viewer) async throws -> Int64 {
        guard viewer.can(.manageSettings) else { throw StoreError.forbidden }
        var v = Validator()
        let name = v.text("name", name, required: true, maxLength: 80) ?? ""
        try v.check()
        let (table, parentColumn, parentTable, parent) = level.columns
        return try await database.write { session in
            guard try await session.first("SELECT id FROM \(ident: parentTable) WHERE id = \(bind: parent)") != nil else {
                throw StoreError.notFound
            }
            let key = Normalization.sortKey(name)
            if try await session.first("""
                SELECT id FROM \(ident: table) WHERE \(ident: parentColumn) = \(bind: parent) AND name_key = \(bind: key)
                """) != nil { throw ValidationFailure([FieldError("name", "duplicate")]) }
            let id = try await session.first("""
                INSERT INTO \(ident: table) (\(ident: parentColumn), name, name_key) VALUES (\(bind: parent), \(bind: name), \(bind: key))
                RETURNING id
                """)!.int("id")
            try await AuditLog.record(session, at: clock.now(), userID: viewer.id, entity: level.entity, entityID: id, clientID: nil,
                                      action: "create", changes: [AuditChange(field: "name", before: nil, after: name)])
            return id
        }
    }

    public func updateLevel(_ level: Level, id: Int64, name: String?, active: Bool, expectedVersion: Int64, by viewer: Viewer) async throws {
        guard viewer.can(.manageSettings) else { throw StoreError.forbidden }
        var v = Validator()
        let name = v.text("name", name, required: true, maxLength: 80) ?? ""
        try v.check()
        let (table, parentColumn, _, parent) = level.columns
        try await database.write { session in
            guard let row = try await session.first("""
                SELECT * FROM \(ident: table) WHERE id = \(bind: id) AND \(ident: parentColumn) = \(bind: parent)
                """) else { throw StoreError.notFound }
            guard try row.int("version") == expectedVersion else { throw StoreError.versionConflict(current: try row.int("version")) }
            let key = Normalization.sortKey(name)
            if try await session.first("""
                SELECT id FROM \(ident: table) WHERE \(ident: parentColumn) = \(bind: parent) AND name_key = \(bind: key) AND id <> \(bind: id)
                """) != nil { throw ValidationFailure([FieldError("name", "duplicate")]) }
            try await session.run("""
                UPDATE \(ident: table) SET name = \(bind: name), name_key = \(bind: key), active = \(bind: active), version = version + 1
                WHERE id = \(bind: id)
                """)
            try await AuditLog.record(session, at: clock.now(), userID: viewer.id, entity: level.entity, entityID: id, clientID: nil,
                                      action: "update", changes: AuditLog.diff(
                                        ["name": try row.string("name"), "active": String(try row.bool("active"))],
                                        ["name": name, "active": String(active)]))
        }
    }

    /// Adds a product or, with `id`, rewrites one; its subgroup must belong to the same project.
    public func saveProduct(_ id: SalesProduct.ID?, project: SalesProject.ID, subgroupID: SalesSubgroup.ID?, name: String?, model: String?,
                            active: Bool, expectedVersion: Int64?, by viewer: Viewer) async throws -> SalesProduct.ID {
        guard viewer.can(.manageSettings) else { throw StoreError.forbidden }
        var v = Validator()
        let name = v.text("name", name, required: true, maxLength: 120) ?? ""
        let model = v.text("model", model, maxLength: 120)
        try v.check()
        let key = Normalization.sortKey(name)
        return try await database.write { session in
            guard try await session.first("SELECT id FROM sales_projects WHERE id = \(bind: project.rawValue)") != nil else {
                throw StoreError.notFound
            }
            if let subgroupID, try await session.first("""
                SELECT g.id FROM sales_subgroups g JOIN sales_stages s ON s.id = g.stage_id
                WHERE g.id = \(bind: subgroupID.rawValue) AND s.project_id = \(bind: project.rawValue)
                """) == nil { throw ValidationFailure([FieldError("subgroupId", "unknown_reference")]) }
            if try await session.first("""
                SELECT id FROM sales_products WHERE project_id = \(bind: project.rawValue) AND name_key = \(bind: key)
                    AND id <> \(bind: id?.rawValue ?? 0)
                """) != nil { throw ValidationFailure([FieldError("name", "duplicate")]) }
            let after = ["name": name, "model": model ?? "", "subgroupId": subgroupID?.description ?? "", "active": String(active)]
            guard let id else {
                let made: SalesProduct.ID = try await session.first("""
                    INSERT INTO sales_products (project_id, subgroup_id, name, name_key, model, active)
                    VALUES (\(bind: project.rawValue), \(bind: subgroupID?.rawValue), \(bind: name), \(bind: key), \(bind: model), \(bind: active))
                    RETURNING id
                    """)!.id("id")
                try await AuditLog.record(session, at: clock.now(), userID: viewer.id, entity: "sales_product", entityID: made.rawValue,
                                          clientID: nil, action: "create", changes: AuditLog.diff([:], after))
                return made
            }
            guard let row = try await session.first("""
                SELECT * FROM sales_products WHERE id = \(bind: id.rawValue) AND project_id = \(bind: project.rawValue)
                """) else { throw StoreError.notFound }
            guard try row.int("version") == expectedVersion else { throw StoreError.versionConflict(current: try row.int("version")) }
            try await session.run("""
                UPDATE sales_products SET subgroup_id = \(bind: subgroupID?.rawValue), name = \(bind: name), name_key = \(bind: key),
                    model = \(bind: model), active = \(bind: active), version = version + 1
                WHERE id = \(bind: id.rawValue)
                """)
            try await AuditLog.record(session, at: clock.now(), userID: viewer.id, entity: "sales_product", entityID: id.rawValue,
                                      clientID: nil, action: "update", changes: AuditLog.diff(
                                        ["name": try row.string("name"), "model": try row.optString("model") ?? "",
                                         "subgroupId": try row.optInt("subgroup_id").map(String.init) ?? "", "active": String(try row.bool("active"))],
                                        after))
            return id
        }
    }

    // MARK: Channels, reservation statuses, survey questions

    public func channels() async throws -> [SalesChannel] {
        try await database.read { session in
            try await session.rows("SELECT * FROM sales_channels ORDER BY name_key").map {
                SalesChannel(id: try $0.id("id"), name: try $0.string("name"),
                             category: SalesChannel.Category(rawValue: try $0.string("category")) ?? .other,
                             active: try $0.bool("active"), version: try $0.int("version"))
            }
        }
    }

    /// Adds a channel, or (with `id`) renames, recategorises or (de)activates one, in one transaction.
    public func saveChannel(_ id: SalesChannel.ID?, name: String?, category: SalesChannel.Category, active: Bool, expectedVersion: Int64?,
                            by viewer: Viewer) async throws {
        guard viewer.can(.manageSettings) else { throw StoreError.forbidden }
        var v = Validator()
        let name = v.text("name", name, required: true, maxLength: 80) ?? ""
        try v.check()
        let key = Normalization.sortKey(name)
        try await database.write { session in
            try await CatalogueStore.ensureUniqueName(session, table: "sales_channels", name: name, except: id?.rawValue)
            let after = ["name": name, "category": category.rawValue, "active": String(active)]
            guard let id else {
                let made = try await session.first("""
                    INSERT INTO sales_channels (name, name_key, category, active)
                    VALUES (\(bind: name), \(bind: key), \(bind: category.rawValue), \(bind: active)) RETURNING id
                    """)!.int("id")
                try await AuditLog.record(session, at: clock.now(), userID: viewer.id, entity: "sales_channel", entityID: made, clientID: nil,
                                          action: "create", changes: AuditLog.diff([:], after))
                return
            }
            guard let row = try await session.first("SELECT * FROM sales_channels WHERE id = \(bind: id.rawValue)") else {
                throw StoreError.notFound
            }
            guard try row.int("version") == expectedVersion else { throw StoreError.versionConflict(current: try row.int("version")) }
            try await session.run("""
                UPDATE sales_channels SET name = \(bind: name), name_key = \(bind: key), category = \(bind: category.rawValue),
                    active = \(bind: active), version = version + 1
                WHERE id = \(bind: id.rawValue)
                """)
            try await AuditLog.record(session, at: clock.now(), userID: viewer.id, entity: "sales_channel", entityID: id.rawValue, clientID: nil,
                                      action: "update", changes: AuditLog.diff(
                                        ["name": try row.string("name"), "category": try row.string("category"),
                                         "active": String(try row.bool("active"))], after))
        }
    }

    public func reservationStatuses() async throws -> [ReservationStatus] {
        try await database.read { session in
            try await session.rows("SELECT * FROM reservation_statuses ORDER BY position, id").map {
                ReservationStatus(id: try $0.id("id"), name: try $0.string("name"), active: try $0.bool("active"), version: try $0.int("version"))
            }
        }
    }

    public func surveyQuestions() async throws -> [SurveyQuestion] {
        try await database.read { session in
            try await session.rows("SELECT * FROM survey_questions ORDER BY id").map {
                SurveyQuestion(id: try $0.id("id"), text: try $0.string("name"), active: try $0.bool("active"), version: try $0.int("version"))
            }
        }
    }

    /// Reservation statuses and survey questions are plain named catalogues.
    public enum Named: Sendable { case reservationStatuses, surveyQuestions }

    public func createNamed(_ kind: Named, name: String?, by viewer: Viewer) async throws {
        guard viewer.can(.manageSettings) else { throw StoreError.forbidden }
        _ = try await organisation.createNamed(kind.table, name: name, by: viewer.id)
    }

    public func updateNamed(_ kind: Named, id: Int64, name: String?, active: Bool, expectedVersion: Int64, by viewer: Viewer) async throws {
        guard viewer.can(.manageSettings) else { throw StoreError.forbidden }
        try await organisation.updateNamed(kind.table, id, name: name, active: active, expectedVersion: expectedVersion, by: viewer.id)
    }
}

extension SalesCatalogueStore.Named {
    var table: NamedCatalogue {
        switch self {
        case .reservationStatuses: .reservationStatuses
        case .surveyQuestions: .surveyQuestions
        }
    }
}

extension SalesCatalogueStore.Level {
    /// (table, parent column, parent table, parent id)
    var columns: (String, String, String, Int64) {
        switch self {
        case .stage(let project): ("sales_stages", "project_id", "sales_projects", project.rawValue)
        case .subgroup(let stage): ("sales_subgroups", "stage_id", "sales_stages", stage.rawValue)
        }
    }

    var entity: String {
        switch self {
        case .stage: "sales_stage"
        case .subgroup: "sales_subgroup"
        }
    }
}
