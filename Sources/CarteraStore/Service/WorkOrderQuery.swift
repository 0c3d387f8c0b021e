import CarteraCore
import Foundation

/// A work order as lists show it, with the names it points to.
public struct WorkOrderListing: Sendable, Hashable {
    public let order: WorkOrder
    public let clientNumber: Int64
    public let clientName: String
    public let contactName: String?
    public let categoryName: String?
    public let assigneeName: String?
    public let projectKey: Int64?

    func with(assets: [Asset.ID]) -> WorkOrderListing {
        WorkOrderListing(order: order.with(assets: assets), clientNumber: clientNumber, clientName: clientName, contactName: contactName,
                         categoryName: categoryName, assigneeName: assigneeName, projectKey: projectKey)
    }
}

extension WorkOrder {
    /// The same order naming `assets` (read from their own table).
    func with(assets: [Asset.ID]) -> WorkOrder {
        var draft = self.draft
        draft.assetIDs = assets
        return WorkOrder(id: id, orderNumber: orderNumber, clientID: clientID, draft: draft, ownerID: ownerID, status: status,
                         finishedAt: finishedAt, verification: verification, ruleID: ruleID, version: version, createdAt: createdAt)
    }
}

/// A registered service with its user's name.
public struct ServiceListing: Sendable, Hashable {
    public let entry: ServiceEntry
    public let userName: String
}

/// Which work orders a query asks for ("Consulta general de órdenes"); the
/// viewer's scope always applies on top.
public struct WorkOrderQuery: Sendable, Hashable {
    public var orderNumber: Int64?
    public var statuses: Set<WorkOrder.Status>
    /// Whose orders: the assignee.
    public var assignee: PersonFilter
    public var clientID: Client.ID?
    public var contactID: Contact.ID?
    public var projectID: Project.ID?
    public var categoryID: ActivityCategory.ID?
    /// Orders made by this recurring rule.
    public var ruleID: RecurringOrderRule.ID?
    /// Orders that involve this asset.
    public var assetID: Asset.ID?
    /// `[from, to)` on the creation instant, the finishing instant and the appointment.
    public var createdFrom: Date?
    public var createdTo: Date?
    public var finishedFrom: Date?
    public var finishedTo: Date?
    public var appointmentFrom: Date?
    public var appointmentTo: Date?
    /// Words found in the description, the equipment received or a registered service (accent-insensitive prefixes).
    public var concept: String?
    public var limit: Int
    public var offset: Int

    public init(orderNumber: Int64? = nil, statuses: Set<WorkOrder.Status> = [], assignee: PersonFilter = .anyone,
                clientID: Client.ID? = nil, contactID: Contact.ID? = nil, projectID: Project.ID? = nil,
                categoryID: ActivityCategory.ID? = nil, createdFrom: Date? = nil, createdTo: Date? = nil,
                finishedFrom: Date? = nil, finishedTo: Date? = nil, appointmentFrom: Date? = nil, appointmentTo: Date? = nil,
                concept: String? = nil, limit: Int = 200, offset: Int = 0) {
        self.orderNumber = orderNumber; self.statuses = statuses; self.assignee = assignee; self.clientID = clientID
        self.contactID = contactID; self.projectID = projectID; self.categoryID = categoryID
        self.createdFrom = createdFrom; self.createdTo = createdTo; self.finishedFrom = finishedFrom; self.finishedTo = finishedTo
        self.appointmentFrom = appointmentFrom; self.appointmentTo = appointmentTo; self.concept = concept
        self.limit = max(1, min(limit, 500)); self.offset = max(0, offset)
    }
}
