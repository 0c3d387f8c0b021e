import CarteraCore

/// A filter of the advanced search; several combine with AND.
public enum ClientFilter: Hashable, Sendable {
    case clientType(ClientType.ID)
    case clientGroup(ClientGroup.ID)
    case branch(Branch.ID)
    case salesAgent(User.ID)
    case collector(User.ID)
    /// Case-insensitive "contains" on a text field.
    case text(ClientTextField, String)
    case hasCoordinates(Bool)
    /// On a custom field: "contains" for text types, equality otherwise.
    case customField(CustomFieldDefinition, String)
}

/// Text fields the advanced search can filter on.
public enum ClientTextField: String, Sendable, CaseIterable {
    case legalName, tradeName, taxId, email, phone, street, city, state, postalCode, country, description
}

/// Sort orders of the client list; each ends with the id so pages are stable.
/// Without one, a search sorts by relevance and a plain list by name.
public enum ClientSort: String, Sendable, CaseIterable {
    case name, number, city, updated, created
}

/// A part of a client beyond its core (id, number, legal name, catalogue and people ids,
/// archived, version and times), which a list reads only when asked.
public enum ClientPart: Sendable, Hashable, CaseIterable {
    case tradeName, taxID, address, coordinates, emails, phones, description, customFields
}

/// What a client list asks for.
public struct ClientQuery: Sendable, Hashable {
    public enum Archived: String, Sendable, CaseIterable { case active, archived, all }
    public enum Page: Sendable, Hashable {
        case offset(Int)
        /// Keyset by id, ascending: integrations walking every client.
        case afterID(Client.ID?)
    }

    public var search: String?
    public var filters: [ClientFilter]
    public var sort: ClientSort?
    public var descending: Bool
    public var archived: Archived
    public var limit: Int
    public var page: Page
    public var counting: Counting
    /// A list sorts up to this many matches (a quick search by relevance, a
    /// filter in the chosen order). Past it, sorting every match is what makes a
    /// page slow, so it reads the page straight off an index instead: a quick
    /// search newest first, a filtered list in the chosen order.
    public var sortedUpTo = 1_000
    /// The parts its page's clients carry; the others are left empty (nil, no items).
    /// A page that shows a few columns reads only those: at a million clients, PostgreSQL's
    /// quick-search page took 0.55 ms reading the ten columns the default built-in columns
    /// show, against 0.65 ms reading all twenty-eight, and decoding the fifty-one clients
    /// was a sixth of the server's CPU. `export` reads every part whatever this says.
    public var parts = Set(ClientPart.allCases)

    /// How far an offset page counts its matches. Counting every client of a broad
    /// filter over a million rows costs more than the page itself, so the list
    /// counts up to a cap unless the person asks for the exact figure.
    public enum Counting: Sendable, Hashable {
        case none
        case upTo(Int)
        case all
    }

    public init(search: String? = nil, filters: [ClientFilter] = [], sort: ClientSort? = nil, descending: Bool = false,
                archived: Archived = .active, limit: Int = 50, page: Page = .offset(0), counting: Counting = .all) {
        self.search = search; self.filters = filters; self.sort = sort; self.descending = descending
        self.archived = archived; self.limit = max(1, min(limit, 500)); self.page = page; self.counting = counting
    }
}

/// How many clients a list matches.
public enum ClientCount: Sendable, Equatable {
    case exactly(Int)
    /// More than this many; the count stopped at its cap.
    case moreThan(Int)
}

/// One page of clients and, for offset pages that count, how many match.
public struct ClientPage: Sendable {
    public let clients: [Client]
    public let count: ClientCount?
    public let hasMore: Bool
    /// A quick search with more matches than `sortedUpTo`: newest first, not ranked.
    public let newestFirst: Bool
}
