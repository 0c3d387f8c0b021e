import CarteraCore

/// Every page of the site, used by handlers and view models alike, so no
/// path string is written twice.
enum SiteURL {
    case home, login, logout, language
    case clients, newClient, client(Client.ID), editClient(Client.ID), archiveClient(Client.ID), restoreClient(Client.ID)
    case clientHistory(Client.ID), clientContacts(Client.ID), clientColumns, clientExport, clientImport, clientImports
    case contacts, contactExport, contactImport, contact(Contact.ID), deleteContact(Contact.ID)
    case account, accountLanguage, password, tokens, revokeToken(EntityID<APIToken>)
    case opportunityTypes, opportunities, opportunityExport, opportunity(Opportunity.ID), clientOpportunities(Client.ID), newOpportunity(Client.ID)
    case map, mapList, mapListExport, mapSettings
    case funnel, funnelExport, newLead, leads, lead(Lead.ID), salesAdmin, salesProject(SalesProject.ID), reservationStatuses, surveyQuestions
    case receivables, receivableExport, receivableImport, receivable(Receivable.ID), clientReceivables(Client.ID)
    case clientNoticeSettings(Client.ID), noticeConcepts, noticeConcept(NoticeConcept.ID)
    case accountMail, accountMailTest, adminMail, adminMailTest, adminMailFallback, resendMail(OutboxMessage.ID)
    case admin, company, branches, departments, users, newUser, user(User.ID), roles, role(Role.ID)
    case clientTypes, clientType(ClientType.ID), clientGroups, clientGroup(ClientGroup.ID)
    case customFields, customField(CustomFieldDefinition.ID)
    case followUps, clientFollowUps(Client.ID), newFollowUp(Client.ID), followUp(FollowUp.ID), editFollowUp(FollowUp.ID)
    case followUpDone(FollowUp.ID), followUpReopen(FollowUp.ID), followUpExport
    case reassign, calendarFeed, revokeCalendarFeed
    case activities, activityCategories, clientActivities(Client.ID), activity(Activity.ID), editActivity(Activity.ID)
    case activityDone(Activity.ID), activityReopen(Activity.ID), activityExport
    case notes, noteExport, clientNotes(Client.ID), note(Note.ID), deleteNote(Note.ID)
    case clientProjects(Client.ID), project(Project.ID)
    case workOrders, workOrderExport, workOrderReport, clientWorkOrders(Client.ID), newWorkOrder(Client.ID), workOrder(WorkOrder.ID)
    case editWorkOrder(WorkOrder.ID), workOrderServices(WorkOrder.ID), verifyWorkOrder(WorkOrder.ID)
    case clientRecurringOrders(Client.ID), newRecurringOrder(Client.ID), recurringOrder(RecurringOrderRule.ID)
    case endRecurringOrder(RecurringOrderRule.ID)
    case assetKinds, assetKind(AssetKind.ID), assets, assetExport, assetImport, newAsset, clientAssets(Client.ID), newClientAsset(Client.ID)
    case asset(Asset.ID), archiveAsset(Asset.ID), restoreAsset(Asset.ID)
    case masterTables, masterTable(MasterTable.ID), priceLists, priceList(PriceList.ID)
    case formTemplates, formTemplate(FormTemplate.ID), clientForms(Client.ID), newClientForm(Client.ID), form(FilledForm.ID)
    case deliveries, deliveryExport, deliveryImport, clientDeliveries(Client.ID), delivery(Delivery.ID)

    var path: String {
        switch self {
        case .home: "/"
        case .login: "/login"
        case .logout: "/logout"
        case .language: "/language"
        case .clients: "/clients"
        case .newClient: "/clients/new"
        case .client(let id): "/clients/\(id)"
        case .editClient(let id): "/clients/\(id)/edit"
        case .archiveClient(let id): "/clients/\(id)/archive"
        case .restoreClient(let id): "/clients/\(id)/restore"
        case .clientHistory(let id): "/clients/\(id)/history"
        case .clientContacts(let id): "/clients/\(id)/contacts"
        case .clientColumns: "/clients/columns"
        case .clientExport: "/clients/export"
        case .clientImport: "/clients/import"
        case .clientImports: "/clients/imports"
        case .contacts: "/contacts"
        case .contactExport: "/contacts/export"
        case .contactImport: "/contacts/import"
        case .contact(let id): "/contacts/\(id)"
        case .deleteContact(let id): "/contacts/\(id)/delete"
        case .account: "/account"
        case .accountMail: "/account/mail"
        case .receivables: "/receivables"
        case .opportunityTypes: "/admin/opportunity-types"
        case .map: "/map"
        case .mapList: "/map/list"
        case .mapListExport: "/map/list/export"
        case .mapSettings: "/admin/maps"
        case .funnel: "/funnel"
        case .funnelExport: "/funnel/export"
        case .leads: "/leads"
        case .newLead: "/leads/new"
        case .lead(let id): "/leads/\(id)"
        case .salesAdmin: "/admin/sales"
        case .salesProject(let id): "/admin/sales/projects/\(id)"
        case .reservationStatuses: "/admin/reservation-statuses"
        case .surveyQuestions: "/admin/survey-questions"
        case .opportunities: "/opportunities"
        case .opportunityExport: "/opportunities/export"
        case .opportunity(let id): "/opportunities/\(id)"
        case .clientOpportunities(let id): "/clients/\(id)/opportunities"
        case .newOpportunity(let id): "/clients/\(id)/opportunities/new"
        case .receivableExport: "/receivables/export"
        case .receivableImport: "/receivables/import"
        case .receivable(let id): "/receivables/\(id)"
        case .clientReceivables(let id): "/clients/\(id)/receivables"
        case .clientNoticeSettings(let id): "/clients/\(id)/notice-settings"
        case .noticeConcepts: "/admin/notice-concepts"
        case .noticeConcept(let id): "/admin/notice-concepts/\(id)"
        case .accountMailTest: "/account/mail/test"
        case .adminMail: "/admin/mail"
        case .adminMailTest: "/admin/mail/test"
        case .adminMailFallback: "/admin/mail/fallback"
        case .resendMail(let id): "/admin/mail/outbox/\(id)/resend"
        case .accountLanguage: "/account/language"
        case .password: "/account/password"
        case .tokens: "/account/tokens"
        case .revokeToken(let id): "/account/tokens/\(id)/revoke"
        case .admin: "/admin"
        case .company: "/admin/company"
        case .branches: "/admin/branches"
        case .departments: "/admin/departments"
        case .users: "/admin/users"
        case .newUser: "/admin/users/new"
        case .user(let id): "/admin/users/\(id)"
        case .roles: "/admin/roles"
        case .role(let id): "/admin/roles/\(id)"
        case .clientTypes: "/admin/client-types"
        case .clientType(let id): "/admin/client-types/\(id)"
        case .clientGroups: "/admin/client-groups"
        case .clientGroup(let id): "/admin/client-groups/\(id)"
        case .customFields: "/admin/custom-fields"
        case .customField(let id): "/admin/custom-fields/\(id)"
        case .reassign: "/clients/reassign"
        case .clientProjects(let id): "/clients/\(id)/projects"
        case .project(let id): "/projects/\(id)"
        case .workOrders: "/work-orders"
        case .workOrderExport: "/work-orders/export"
        case .workOrderReport: "/work-orders/report"
        case .clientWorkOrders(let id): "/clients/\(id)/work-orders"
        case .newWorkOrder(let id): "/clients/\(id)/work-orders/new"
        case .workOrder(let id): "/work-orders/\(id)"
        case .editWorkOrder(let id): "/work-orders/\(id)/edit"
        case .workOrderServices(let id): "/work-orders/\(id)/services"
        case .verifyWorkOrder(let id): "/work-orders/\(id)/verify"
        case .clientRecurringOrders(let id): "/clients/\(id)/recurring-orders"
        case .newRecurringOrder(let id): "/clients/\(id)/recurring-orders/new"
        case .recurringOrder(let id): "/recurring-orders/\(id)"
        case .endRecurringOrder(let id): "/recurring-orders/\(id)/end"
        case .assetKinds: "/admin/asset-kinds"
        case .assetKind(let id): "/admin/asset-kinds/\(id)"
        case .assets: "/assets"
        case .assetExport: "/assets/export"
        case .assetImport: "/assets/import"
        case .newAsset: "/assets/new"
        case .clientAssets(let id): "/clients/\(id)/assets"
        case .newClientAsset(let id): "/clients/\(id)/assets/new"
        case .asset(let id): "/assets/\(id)"
        case .archiveAsset(let id): "/assets/\(id)/archive"
        case .restoreAsset(let id): "/assets/\(id)/restore"
        case .masterTables: "/admin/master-tables"
        case .masterTable(let id): "/admin/master-tables/\(id)"
        case .priceLists: "/admin/price-lists"
        case .priceList(let id): "/admin/price-lists/\(id)"
        case .formTemplates: "/admin/forms"
        case .formTemplate(let id): "/admin/forms/\(id)"
        case .clientForms(let id): "/clients/\(id)/forms"
        case .newClientForm(let id): "/clients/\(id)/forms/new"
        case .form(let id): "/forms/\(id)"
        case .deliveries: "/deliveries"
        case .deliveryExport: "/deliveries/export"
        case .deliveryImport: "/deliveries/import"
        case .clientDeliveries(let id): "/clients/\(id)/deliveries"
        case .delivery(let id): "/deliveries/\(id)"
        case .notes: "/notes"
        case .noteExport: "/notes/export"
        case .clientNotes(let id): "/clients/\(id)/notes"
        case .note(let id): "/notes/\(id)"
        case .deleteNote(let id): "/notes/\(id)/delete"
        case .activities: "/activities"
        case .activityExport: "/activities/export"
        case .activityCategories: "/admin/activity-categories"
        case .clientActivities(let id): "/clients/\(id)/activities"
        case .activity(let id): "/activities/\(id)"
        case .editActivity(let id): "/activities/\(id)/edit"
        case .activityDone(let id): "/activities/\(id)/done"
        case .activityReopen(let id): "/activities/\(id)/reopen"
        case .calendarFeed: "/account/calendar"
        case .revokeCalendarFeed: "/account/calendar/revoke"
        case .followUps: "/follow-ups"
        case .followUpExport: "/follow-ups/export"
        case .clientFollowUps(let id): "/clients/\(id)/follow-ups"
        case .newFollowUp(let id): "/clients/\(id)/follow-ups/new"
        case .followUp(let id): "/follow-ups/\(id)"
        case .editFollowUp(let id): "/follow-ups/\(id)/edit"
        case .followUpDone(let id): "/follow-ups/\(id)/done"
        case .followUpReopen(let id): "/follow-ups/\(id)/reopen"
        }
    }
}

import CarteraStore

import Hummingbird

extension SiteURL {
    /// The same path as a router pattern.
    var route: RouterPath { RouterPath(path) }
}
