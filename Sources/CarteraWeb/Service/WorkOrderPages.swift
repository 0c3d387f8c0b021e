import CarteraCore
import CarteraStore
import Foundation

/// One work order in a list.
struct WorkOrderRow: Encodable {
    let number: Int64
    let url: String
    let clientName: String
    let clientURL: String
    let status: String
    let statusLabel: String
    let priorityLabel: String
    let urgent: Bool
    let categoryName: String?
    let assigneeName: String?
    let contactName: String?
    let appointment: String?
    let description: String

    init(_ listing: WorkOrderListing, env: WebEnvironment, context: SignedInContext) {
        let o = listing.order
        let t = env.t(context.language)
        number = o.orderNumber
        url = SiteURL.workOrder(o.id).path
        clientName = "\(listing.clientNumber) · \(listing.clientName)"
        clientURL = SiteURL.client(o.clientID).path
        status = o.status.rawValue
        statusLabel = t["order_status_\(o.status.rawValue)"] ?? o.status.rawValue
        priorityLabel = t["priority_\(o.draft.priority.rawValue)"] ?? o.draft.priority.rawValue
        urgent = o.draft.priority == .urgent || o.draft.priority == .high
        categoryName = listing.categoryName
        assigneeName = listing.assigneeName
        contactName = listing.contactName
        appointment = o.draft.appointmentAt.map { env.dateTime($0, context) }
        description = String(o.draft.description.prefix(200))
    }
}

/// The orders screen ("Consulta general de órdenes"): filters, the list, downloads.
struct WorkOrderListPage: Encodable {
    let rows: [WorkOrderRow]
    let empty: Bool
    let canFilter: Bool
    let people: [Option]
    let statuses: [Option]
    let categories: [Option]
    /// Whether a filter past concept, status and assignee is set (the "more filters" part opens).
    let moreFilters: Bool
    let values: [String: String]
    let errors: [String]
    let todayURL: String
    let weekURL: String
    let isToday: Bool
    let isWeek: Bool
    let nextURL: String?
    let exportXLSX: String?
    let exportCSV: String?
}

/// A registered service on the order page.
struct ServiceRow: Encodable {
    let when: String
    let userName: String
    let detail: String
    let finishes: Bool
}

/// One order: its data, services, the forms to register a service and to verify, its history.
struct WorkOrderPage: Encodable {
    struct Item: Encodable { let label: String; let value: String }
    let title: String
    let status: String
    let statusLabel: String
    let clientName: String
    let clientURL: String
    let items: [Item]
    let description: String
    let services: [ServiceRow]
    let hasServices: Bool
    let version: Int64
    let canRegister: Bool
    let serviceAction: String
    let serviceValues: [String: String]
    let serviceFinishes: Bool
    let serviceErrors: [String]
    let canVerify: Bool
    let verifyAction: String
    let verifyValues: [String: String]
    let verifyClosed: Bool
    let verifyErrors: [String]
    let ratings: [Option]
    let editURL: String?
    let history: [ClientHistoryPage.Event]
    let conflict: String?
    let forms: [FormRow]
    let formTemplates: [Option]
    let canFillForm: Bool
    let newFormURL: String
    let orderID: String
}

/// The new-order and edit-order pages.
struct WorkOrderFormPage: Encodable {
    let action: String
    let cancel: String
    let clientName: String
    let version: Int64?
    let values: [String: String]
    let errors: [String]
    let hasErrors: Bool
    let choices: WorkOrderFormChoices
}
