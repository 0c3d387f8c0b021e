import CarteraCore
import CarteraStore
import Foundation

/// The view model of the client card: data, contacts and actions.
struct ClientCardPage: Encodable {
    struct Item: Encodable { let label: String; let value: String; let links: [Link] }
    struct Link: Encodable { let href: String; let label: String }
    struct ContactRow: Encodable {
        let id: String
        let key: Int64
        let name: String
        let role: String
        let email: String
        let phone: String
        let telURL: String?
        let whatsAppURL: String?
        let version: Int64
        let action: String
        let deleteAction: String
    }

    let id: String
    let number: Int64
    let name: String
    let legalName: String
    let archived: Bool
    let version: Int64
    let items: [Item]
    let contacts: [ContactRow]
    let followUps: [FollowUpRow]
    let hasFollowUps: Bool
    let activities: [ActivityRow]
    let hasActivities: Bool
    let activitiesURL: String
    let activityForm: ActivityFormFields
    let notes: [NoteRow]
    let hasNotes: Bool
    let notesURL: String
    let canWriteNotes: Bool
    let projects: [ProjectRow]
    let hasProjects: Bool
    let projectsURL: String
    let projectForm: ProjectFields
    let activityErrors: [String]
    let hasActivityErrors: Bool
    let workOrders: [WorkOrderRow]
    let hasWorkOrders: Bool
    let workOrdersURL: String
    let newWorkOrderURL: String
    let rules: [RuleRow]
    let hasRules: Bool
    let newRuleURL: String
    let assets: [AssetRow]
    let hasAssets: Bool
    let assetKinds: [Option]
    let canAddAsset: Bool
    let newAssetURL: String
    let deliveries: [DeliveriesController.Row]
    let hasDeliveries: Bool
    let deliveryFields: DeliveriesController.Fields
    let canAddDelivery: Bool
    let deliveriesURL: String
    let receivablesURL: String
    let opportunities: [OpportunitiesController.Card]
    /// The client's lead files the viewer sees (sales funnel), each linking to its page.
    struct LeadLine: Encodable { let url: String; let project: String; let phase: String; let state: String?; let responsible: String }
    let leads: [LeadLine]
    let hasLeads: Bool
    let hasOpportunities: Bool
    let newOpportunityURL: String
    /// "3 facturas con saldo"; nil when there are none.
    let openInvoices: String?
    let forms: [FormRow]
    let hasForms: Bool
    let formTemplates: [Option]
    let canFillForm: Bool
    let newFormURL: String
    let newFollowUpURL: String
    let canEdit: Bool
    let canArchive: Bool
    let editURL: String
    let placeURL: String
    let archiveURL: String
    let restoreURL: String
    let historyURL: String
    let contactsURL: String
    let contactErrors: [String]
    let contactName: String
    let contactRole: String
    let contactEmail: String
    let contactPhone: String

    init(client: Client, contacts: [Contact], followUps: [FollowUpListing], lookups: Lookups, env: WebEnvironment,
         context: SignedInContext, contactForm: FormData?, contactErrors: FormErrors, activities: [ActivityListing],
         activityForm: ActivityForm, activityErrors: FormErrors, activityChoices: ActivityFormChoices, notes: [NoteListing],
         projects: [ProjectListing], workOrders: [WorkOrderListing], rules: [RecurringOrderRule],
         assets: [AssetListing], assetKinds: [AssetKind], forms: [FormListing], formTemplates: [FormTemplate],
         deliveries: [DeliveryListing], deliveryFields: DeliveriesController.Fields, openInvoices: Int,
         opportunities: [OpportunityListing], leads: [LeadListing]) {
        let t = env.t(context.language)
        let d = client.draft
        id = client.id.description
        number = client.clientNumber
        name = client.displayName
        legalName = d.legalName
        archived = client.archived
        version = client.version
        func item(_ key: String, _ value: String?) -> Item? {
            guard let value, !value.isEmpty else { return nil }
            return Item(label: t["field_\(key)"] ?? key, value: value, links: [])
        }
        var items: [Item?] = [
            item("legalName", d.legalName), item("tradeName", d.tradeName),
            item("taxId", d.taxID.map { "\(t["taxkind_\(d.taxIDKind?.rawValue ?? "OTHER")"] ?? "") \($0)" }),
            item("clientTypeId", lookups.typeName(d.clientTypeID)), item("clientGroupId", lookups.groupName(d.clientGroupID)),
            item("branchId", lookups.branchName(d.branchID)), item("salesAgentId", lookups.userName(d.salesAgentID)),
            item("collectorId", lookups.userName(d.collectorID)), item("address", d.address.oneLine),
        ]
        if let lat = d.latitude, let lon = d.longitude {
            items.append(item("coordinates", String(format: "%.6f, %.6f", lat, lon)))
        }
        if !d.phones.isEmpty {
            items.append(Item(label: t["field_phones"] ?? "", value: "", links: d.phones.flatMap { phone in
                [Link(href: Contactability.telURL(phone), label: phone),
                 Link(href: Contactability.whatsAppURL(phone), label: "WhatsApp")]
            }))
        }
        if !d.emails.isEmpty {
            items.append(Item(label: t["field_emails"] ?? "", value: "",
                              links: d.emails.map { .init(href: "mailto:" + $0, label: $0) }))
        }
        items.append(item("description", d.description))
        for definition in lookups.activeFields {
            guard let value = d.customFields[definition.key] else { continue }
            let label = definition.label(context.language)
            switch (definition.type, value) {
            case (.checkbox, .bool(let on)): items.append(Item(label: label, value: on ? t["yes"] ?? "" : t["no"] ?? "", links: []))
            case (.url, _), (.photoURL, _):
                items.append(Item(label: label, value: "", links: [.init(href: value.displayText, label: value.displayText)]))
            case (.email, _): items.append(Item(label: label, value: "", links: [.init(href: "mailto:" + value.displayText, label: value.displayText)]))
            case (.phone, _): items.append(Item(label: label, value: "", links: [.init(href: Contactability.telURL(value.displayText), label: value.displayText)]))
            default: items.append(Item(label: label, value: value.displayText, links: []))
            }
        }
        items.append(item("lastVisit", client.lastVisitAt.map { env.dateTime($0, context) }))
        items.append(item("createdAt", env.dateTime(client.createdAt, context)))
        items.append(item("updatedAt", env.dateTime(client.updatedAt, context)))
        self.items = items.compactMap { $0 }
        self.contacts = contacts.map { c in
            ContactRow(id: c.id.description, key: c.contactKey, name: c.name, role: c.role ?? "", email: c.email ?? "",
                       phone: c.phone ?? "", telURL: c.phone.map(Contactability.telURL),
                       whatsAppURL: c.phone.map(Contactability.whatsAppURL), version: c.version,
                       action: SiteURL.contact(c.id).path, deleteAction: SiteURL.deleteContact(c.id).path)
        }
        self.followUps = followUps.map { FollowUpRow($0, env: env, context: context) }
        hasFollowUps = !followUps.isEmpty
        self.activities = activities.map { ActivityRow($0, env: env, context: context) }
        hasActivities = !activities.isEmpty
        activitiesURL = SiteURL.clientActivities(client.id).path
        self.activityForm = ActivityFormFields(values: activityForm.values, choices: activityChoices)
        self.activityErrors = activityErrors.list
        hasActivityErrors = !activityErrors.list.isEmpty
        self.notes = notes.map { NoteRow($0, env: env, context: context) }
        hasNotes = !notes.isEmpty
        notesURL = SiteURL.clientNotes(client.id).path
        canWriteNotes = context.viewer.canWriteNotes
        self.projects = projects.map { ProjectRow($0, env: env, context: context) }
        hasProjects = !projects.isEmpty
        projectsURL = SiteURL.clientProjects(client.id).path
        projectForm = ProjectFields(values: [:], managers: Option.list(lookups.users.filter(\.active).map { ($0.id, $0.name) }, selected: nil),
                                    contacts: Option.list(contacts.map { ($0.id, $0.name) }, selected: nil))
        newFollowUpURL = SiteURL.newFollowUp(client.id).path
        self.workOrders = workOrders.map { WorkOrderRow($0, env: env, context: context) }
        hasWorkOrders = !workOrders.isEmpty
        workOrdersURL = SiteURL.workOrders.path + "?status=all&person=all&client=\(client.clientNumber)"
        newWorkOrderURL = SiteURL.newWorkOrder(client.id).path
        self.rules = rules.map { RuleRow($0, lookups: lookups, context: context) }
        hasRules = !rules.isEmpty
        newRuleURL = SiteURL.newRecurringOrder(client.id).path
        let kinds = Dictionary(uniqueKeysWithValues: assetKinds.map { ($0.id, $0) })
        self.assets = assets.map { AssetRow($0, kind: kinds[$0.asset.draft.kindID], language: context.language) }
        hasAssets = !assets.isEmpty
        self.assetKinds = assetKinds.filter(\.active).map { Option(value: $0.id.description, label: $0.name, selected: false) }
        canAddAsset = !self.assetKinds.isEmpty
        newAssetURL = SiteURL.newClientAsset(client.id).path
        self.deliveries = deliveries.map { DeliveriesController.Row($0, t: t, language: context.language) }
        hasDeliveries = !deliveries.isEmpty
        self.deliveryFields = deliveryFields
        canAddDelivery = !deliveryFields.tables.isEmpty
        deliveriesURL = SiteURL.clientDeliveries(client.id).path
        receivablesURL = SiteURL.clientReceivables(client.id).path
        self.opportunities = opportunities.map { OpportunitiesController.Card($0, t: t, language: context.language) }
        hasOpportunities = !opportunities.isEmpty
        self.leads = leads.map {
            LeadLine(url: SiteURL.lead($0.lead.id).path, project: $0.projectName, phase: t["interaction_kind_\($0.lead.phase.rawValue)"] ?? "",
                     state: $0.lead.state == .open ? nil : t["lead_state_\($0.lead.state.rawValue)"], responsible: $0.responsibleName)
        }
        hasLeads = !leads.isEmpty
        newOpportunityURL = SiteURL.newOpportunity(client.id).path
        self.openInvoices = openInvoices == 0 ? nil : env.translator.text("receivables_card_open", context.language, ["count": String(openInvoices)])
        self.forms = forms.map { FormRow($0, env: env, context: context) }
        hasForms = !forms.isEmpty
        self.formTemplates = FormRow.templateOptions(formTemplates)
        canFillForm = !self.formTemplates.isEmpty
        newFormURL = SiteURL.newClientForm(client.id).path
        canEdit = context.viewer.can(.editClients)
        canArchive = context.viewer.can(.archiveClients)
        editURL = SiteURL.editClient(client.id).path
        placeURL = "/clients/\(client.id)/place"
        archiveURL = SiteURL.archiveClient(client.id).path
        restoreURL = SiteURL.restoreClient(client.id).path
        historyURL = SiteURL.clientHistory(client.id).path
        contactsURL = SiteURL.clientContacts(client.id).path
        self.contactErrors = contactErrors.list
        contactName = contactForm?["name"] ?? ""
        contactRole = contactForm?["role"] ?? ""
        contactEmail = contactForm?["email"] ?? ""
        contactPhone = contactForm?["phone"] ?? ""
    }
}

/// A note on the card, editable by its author, deletable at level 1.
struct NoteRow: Encodable {
    let id: String
    let when: String
    let author: String
    let department: String?
    let text: String
    let location: String?
    let treatment: String?
    let version: Int64
    let editAction: String?
    let deleteAction: String?

    init(_ listing: NoteListing, env: WebEnvironment, context: SignedInContext) {
        let n = listing.note
        id = n.id.description
        when = env.dateTime(n.createdAt, context)
        author = listing.authorName
        department = listing.departmentName
        text = n.draft.text
        location = n.draft.location
        treatment = n.draft.treatment
        version = n.version
        editAction = n.authorID == context.viewer.id ? SiteURL.note(n.id).path : nil
        deleteAction = context.viewer.canDeleteNotes ? SiteURL.deleteNote(n.id).path : nil
    }
}

/// A saved form in a list: when, which template, who, and its total.
struct FormRow: Encodable {
    let url: String
    let title: String
    let detail: String

    init(_ listing: FormListing, env: WebEnvironment, context: SignedInContext) {
        url = SiteURL.form(listing.form.id).path
        title = listing.form.templateName
        detail = [env.dateTime(listing.form.filledAt, context), listing.filledByName,
                  listing.form.total.map { "\($0.formatted(context.language)) \($0.currency)" }].compactMap { $0 }.joined(separator: " · ")
    }

    static func templateOptions(_ templates: [FormTemplate]) -> [Option] {
        templates.filter(\.active).map { Option(value: $0.id.description, label: $0.name, selected: false) }
    }
}

/// A recurring rule on the card: its sentence and the order it makes.
struct RuleRow: Encodable {
    let sentence: String
    let description: String
    let assignee: String?
    let url: String
    let ended: Bool

    init(_ rule: RecurringOrderRule, lookups: Lookups, context: SignedInContext) {
        sentence = rule.draft.sentence(context.language)
        description = String(rule.draft.template.description.prefix(120))
        assignee = lookups.userName(rule.draft.template.assigneeID)
        url = SiteURL.recurringOrder(rule.id).path
        ended = rule.ended
    }
}

/// A project on the card.
struct ProjectRow: Encodable {
    let key: Int64
    let name: String
    let url: String
    let dates: String
    let manager: String?
    let counts: String
    let closed: Bool

    init(_ listing: ProjectListing, env: WebEnvironment, context: SignedInContext) {
        let p = listing.project
        key = p.projectKey
        name = p.draft.name
        url = SiteURL.project(p.id).path
        dates = [p.draft.startsOn?.description, p.draft.targetOn?.description].map { $0 ?? "…" }.joined(separator: " → ")
        manager = listing.managerName
        counts = env.translator.text("project_counts", context.language, ["pending": String(listing.pendingActivities),
                                                                          "done": String(listing.doneActivities)])
        closed = p.draft.closed
    }
}

/// The fields of a project form (the card's add form).
struct ProjectFields: Encodable {
    let values: [String: String]
    let managers: [Option]
    let contacts: [Option]
}

/// The view model of a client's history.
struct ClientHistoryPage: Encodable {
    struct Change: Encodable { let field: String; let before: String; let after: String }
    struct Event: Encodable {
        let when: String
        let who: String
        let what: String
        let changes: [Change]
        let hasChanges: Bool

        init(when: String, who: String, what: String, changes: [Change]) {
            self.when = when; self.who = who; self.what = what; self.changes = changes; hasChanges = !changes.isEmpty
        }
    }
    struct Tab: Encodable { let url: String; let label: String; let current: Bool }
    let clientURL: String
    let name: String
    /// The history's filters: everything, visits, orders, services, forms, deliveries…
    let kinds: [Tab]
    /// The next page, older events.
    let olderURL: String?
    let events: [Event]
    let empty: Bool
}
