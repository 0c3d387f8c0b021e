import CarteraCore
import CarteraIO
import CarteraStore
import Foundation
import Hummingbird

/// Each user's calendar feed: a secret address that Google Calendar, Outlook
/// or Thunderbird subscribe to, with the follow-ups the user is responsible
/// for and the work orders assigned to them with an appointment (from 30 days
/// ago), and the next contact dates of their waiting opportunities as all-day
/// events, under the same scope as the pages.
struct CalendarController {
    let env: WebEnvironment

    /// How far back the feed goes; the future is bounded by `limit`.
    static let history: TimeInterval = 30 * 86_400
    static let limit = 500

    func register(public router: Router<WebContext>, signedIn: RouterGroup<SignedInContext>) {
        router.get("/calendar/:file") { request, context in try await self.feed(request, context) }
        signedIn.post(SiteURL.calendarFeed.route) { request, context in try await self.renew(request, context) }
        signedIn.post(SiteURL.revokeCalendarFeed.route) { request, context in try await self.revoke(request, context) }
    }

    func feed(_ request: Request, _ context: WebContext) async throws -> Response {
        let file = context.parameters.get("file") ?? ""
        guard file.hasSuffix(".ics"), let userID = try await env.stores.calendarFeeds.user(secret: String(file.dropLast(4))),
              let viewer = try await env.stores.users.viewer(userID) else { throw HTTPError(.notFound) }
        let zone = TimeZone(identifier: viewer.user.timeZone) ?? .gmt
        let now = env.clock.now()
        let followUps = try await env.stores.followUps.list(
            FollowUpQuery(responsible: .me, dueFrom: now.addingTimeInterval(-Self.history), limit: Self.limit),
            by: viewer, timeZone: zone)
        let orders = try await env.stores.workOrders.list(
            WorkOrderQuery(assignee: .me, appointmentFrom: now.addingTimeInterval(-Self.history), limit: Self.limit), by: viewer)
        let t = env.translator
        let language = viewer.user.language
        let followUpEvents = followUps.map { listing in
            let f = listing.followUp
            let lines = [listing.clientName, listing.contactName, f.draft.description].compactMap { $0 }
            return CalendarEvent(uid: "follow-up-\(f.id)@cartera", stamp: f.doneAt ?? f.createdAt, start: f.draft.dueAt,
                                 summary: (f.status == .done ? "✓ " : "") + f.draft.title,
                                 description: lines.joined(separator: "\n"), cancelled: false)
        }
        let orderEvents = orders.compactMap { listing -> CalendarEvent? in
            let o = listing.order
            guard let start = o.draft.appointmentAt else { return nil }
            let title = t.text("calendar_order", language, ["number": String(o.orderNumber), "client": listing.clientName])
            let lines = [listing.categoryName, listing.contactName, o.draft.description,
                         t.text("order_status_\(o.status.rawValue)", language)].compactMap { $0 }
            let finished = o.status == .finished || o.status == .verified
            return CalendarEvent(uid: "work-order-\(o.id)@cartera", stamp: o.verification?.at ?? o.finishedAt ?? o.createdAt, start: start,
                                 minutes: 60, summary: (finished ? "✓ " : "") + title, description: lines.joined(separator: "\n"),
                                 cancelled: o.status == .cancelled)
        }
        let from = LocalDateTime.day(now.addingTimeInterval(-Self.history), timeZone: zone)
        let contactEvents = try await env.stores.opportunities.nextContacts(from: from, by: viewer, limit: Self.limit).compactMap { listing in
            listing.opportunity.nextContactOn.map { day in
                CalendarEvent(uid: "opportunity-\(listing.opportunity.id)-\(day)@cartera", stamp: listing.opportunity.createdAt,
                              start: listing.opportunity.createdAt,
                              summary: t.text("calendar_next_contact", language, ["subject": listing.opportunity.draft.subject,
                                                                                  "client": listing.clientName]),
                              description: listing.contactName, allDay: day.description)
            }
        }
        let text = ICalendar.document(name: "Cartera — " + viewer.user.name, timeZone: zone.identifier,
                                      events: followUpEvents + orderEvents + contactEvents)
        return Response(status: .ok, headers: [.contentType: "text/calendar; charset=utf-8", .cacheControl: "private, max-age=300"],
                        body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// A new address (the old one stops working), shown once on the account page.
    func renew(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let secret = try await env.stores.calendarFeeds.renew(for: context.viewer.id)
        let host = request.head.authority ?? "localhost"
        let url = "\(env.secureCookies ? "https" : "http")://\(host)/calendar/\(secret).ics"
        return try await AccountController(env: env).page(request, context, newCalendarURL: url)
    }

    func revoke(_ request: Request, _ context: SignedInContext) async throws -> Response {
        try await env.stores.calendarFeeds.revoke(for: context.viewer.id)
        return redirect(.account, flash: env.translator.text("flash_calendar_revoked", context.language))
    }
}
