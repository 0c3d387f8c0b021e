import CarteraCore
import SQLKit

/// The activity categories catalogue: created, renamed, (de)activated like
/// branches, and deleted only while no activity uses them.
extension OrganisationStore {
    public func activityCategories() async throws -> [ActivityCategory] {
        try await database.cached("activityCategories") { session in
            try await session.rows("SELECT id, name, active, version FROM activity_categories ORDER BY name_key").map {
                ActivityCategory(id: try $0.id("id"), name: try $0.string("name"), active: try $0.bool("active"),
                                 version: try $0.int("version"))
            }
        }
    }

    public func createActivityCategory(name: String?, by userID: User.ID?) async throws -> ActivityCategory.ID {
        ActivityCategory.ID(try await createNamed(.activityCategories, name: name, by: userID))
    }

    public func updateActivityCategory(_ id: ActivityCategory.ID, name: String?, active: Bool, expectedVersion: Int64,
                                       by userID: User.ID?) async throws {
        try await updateNamed(.activityCategories, id.rawValue, name: name, active: active, expectedVersion: expectedVersion, by: userID)
    }

    public func deleteActivityCategory(_ id: ActivityCategory.ID, by userID: User.ID?) async throws {
        try await database.write { session in
            guard let row = try await session.first("SELECT name FROM activity_categories WHERE id = \(bind: id.rawValue)") else {
                throw StoreError.notFound
            }
            // Activities, work orders and recurring rules name categories.
            if try await session.first("""
                SELECT 1 AS used WHERE EXISTS (SELECT 1 FROM activities WHERE category_id = \(bind: id.rawValue))
                    OR EXISTS (SELECT 1 FROM work_orders WHERE category_id = \(bind: id.rawValue))
                    OR EXISTS (SELECT 1 FROM recurring_order_rules WHERE category_id = \(bind: id.rawValue))
                """) != nil {
                throw ValidationFailure([FieldError("name", "in_use")])
            }
            try await session.run("DELETE FROM activity_categories WHERE id = \(bind: id.rawValue)")
            try await AuditLog.record(session, at: clock.now(), userID: userID, entity: "activity_category", entityID: id.rawValue,
                                      clientID: nil, action: "delete",
                                      changes: [AuditChange(field: "name", before: try row.string("name"), after: nil)])
        }
    }
}
