import CarteraCore
import Foundation

/// The stores of one database, built once at start and handed to the web
/// application and the command line.
public struct Stores: Sendable {
    public let database: Database
    public let organisation: OrganisationStore
    public let users: UserStore
    public let sessions: SessionStore
    public let tokens: TokenStore
    public let catalogues: CatalogueStore
    public let clients: ClientStore
    public let contacts: ContactStore
    public let importUploads: ImportUploadStore
    public let followUps: FollowUpStore
    public let calendarFeeds: CalendarFeedStore
    public let activities: ActivityStore
    public let notes: NoteStore
    public let projects: ProjectStore
    public let workOrders: WorkOrderStore
    public let assetKinds: AssetKindStore
    public let assets: AssetStore
    public let masterData: MasterDataStore
    public let forms: FormStore
    public let deliveries: DeliveryStore
    public let recurringOrders: RecurringOrderStore
    public let mailAccounts: MailAccountStore
    public let outbox: OutboxStore
    public let receivables: ReceivableStore
    public let notices: NoticeStore
    public let opportunities: OpportunityStore
    public let salesCatalogue: SalesCatalogueStore
    public let leads: LeadStore
    public let funnel: FunnelStore
    public let maps: MapStore

    /// `orderHorizon`: how far ahead recurring rules make their orders; `sealingKey` seals mail passwords
    /// (nil: mail accounts can be saved without a password only).
    public init(database: Database, clock: Clock = .live, orderHorizon: TimeInterval = 30 * 86_400, sealingKey: SealingKey? = nil) {
        self.database = database
        organisation = OrganisationStore(database: database, clock: clock)
        users = UserStore(database: database, clock: clock)
        sessions = SessionStore(database: database, clock: clock)
        tokens = TokenStore(database: database, clock: clock)
        catalogues = CatalogueStore(database: database, clock: clock)
        clients = ClientStore(database: database, clock: clock)
        contacts = ContactStore(database: database, clock: clock)
        importUploads = ImportUploadStore(database: database, clock: clock)
        followUps = FollowUpStore(database: database, clock: clock)
        calendarFeeds = CalendarFeedStore(database: database, clock: clock)
        activities = ActivityStore(database: database, clock: clock)
        notes = NoteStore(database: database, clock: clock)
        projects = ProjectStore(database: database, clock: clock)
        workOrders = WorkOrderStore(database: database, clock: clock)
        assetKinds = AssetKindStore(database: database, clock: clock)
        assets = AssetStore(database: database, clock: clock)
        masterData = MasterDataStore(database: database, clock: clock)
        forms = FormStore(database: database, clock: clock)
        deliveries = DeliveryStore(database: database, clock: clock)
        recurringOrders = RecurringOrderStore(database: database, clock: clock, horizon: orderHorizon)
        mailAccounts = MailAccountStore(database: database, clock: clock, key: sealingKey)
        outbox = OutboxStore(database: database, clock: clock)
        receivables = ReceivableStore(database: database, clock: clock)
        notices = NoticeStore(database: database, clock: clock)
        opportunities = OpportunityStore(database: database, clock: clock)
        salesCatalogue = SalesCatalogueStore(database: database, clock: clock)
        leads = LeadStore(database: database, clock: clock)
        funnel = FunnelStore(database: database, clock: clock)
        maps = MapStore(database: database, clock: clock)
    }
}
