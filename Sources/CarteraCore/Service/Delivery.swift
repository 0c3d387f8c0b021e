import Foundation

/// A delivery to a client (seed 000, "Logística"): a date, items of a master
/// table with quantities, a status and notes.
public struct Delivery: Hashable, Sendable {
    public typealias ID = EntityID<Delivery>
    public enum Status: String, Sendable, Codable, CaseIterable { case scheduled, delivered, failed }

    public let id: ID
    public let clientID: Client.ID
    public let draft: DeliveryDraft
    /// The lines as saved: codes looked up, descriptions copied.
    public let lines: [Line]
    public let ownerID: User.ID
    public let version: Int64

    public struct Line: Hashable, Sendable, Codable {
        public let itemID: MasterItem.ID
        public let code: String
        public let description: String
        public let unit: String?
        public let quantityMilli: Int64
        public init(itemID: MasterItem.ID, code: String, description: String, unit: String?, quantityMilli: Int64) {
            self.itemID = itemID; self.code = code; self.description = description; self.unit = unit; self.quantityMilli = quantityMilli
        }
    }

    public init(id: ID, clientID: Client.ID, draft: DeliveryDraft, lines: [Line], ownerID: User.ID, version: Int64) {
        self.id = id; self.clientID = clientID; self.draft = draft; self.lines = lines; self.ownerID = ownerID; self.version = version
    }
}

/// What a person writes on a delivery; lines are typed codes and quantities of `tableID`'s items.
public struct DeliveryDraft: Hashable, Sendable {
    public var date: CalendarDate
    public var status: Delivery.Status
    public var notes: String?
    public var tableID: MasterTable.ID
    public var lines: [FormInput.ItemInput]

    public init(date: CalendarDate, status: Delivery.Status = .scheduled, notes: String? = nil, tableID: MasterTable.ID,
                lines: [FormInput.ItemInput]) {
        self.date = date; self.status = status; self.notes = notes; self.tableID = tableID; self.lines = lines
    }
}
