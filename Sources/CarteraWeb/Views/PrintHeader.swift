import CarteraCore
import Foundation

/// The header a printed report starts with: company, report, filters and when.
/// The filters are the page's filter form in words; app.js writes them just
/// before printing unless the page gave them (`filters`).
struct PrintHeader: Encodable {
    let company: String
    let title: String
    let filters: String
    let printedAt: String

    static func make(_ env: WebEnvironment, _ context: SignedInContext, title: String, filters: String = "") async throws -> PrintHeader {
        PrintHeader(company: try await env.stores.organisation.company()?.name ?? "", title: title, filters: filters,
                    printedAt: env.dateTime(env.clock.now(), context))
    }
}
