import CarteraCore
import CarteraStore
import Foundation

/// The client list's table rows, written as markup straight from a page of clients:
/// one `<tr>` per client, one `<td>` per chosen column, every value escaped. The busiest
/// page of the product; walked by the template, its 350 cells were one object each and a
/// quarter of the page's CPU (docs/decisions.md "The client list writes its rows in code").
struct ClientListRows {
    let env: WebEnvironment
    let context: SignedInContext
    let lookups: Lookups
    /// The chosen columns with their labels (each cell's `data-label`, which the narrow
    /// layout shows beside the value).
    let columns: [(Shown, String)]

    /// A chosen column, by its key: a built-in one, a custom field's (`cf:key`) or one no longer known.
    enum Shown {
        case column(ClientColumn.BuiltIn)
        case custom(String)
        case unknown

        init(_ key: String) {
            if let column = ClientColumn.BuiltIn(rawValue: key) {
                self = .column(column)
            } else {
                self = key.hasPrefix("cf:") ? .custom(String(key.dropFirst(3))) : .unknown
            }
        }

        /// The part of a client the column shows beyond its core, if any.
        var part: ClientPart? {
            switch self {
            case .column(.tradeName): .tradeName
            case .column(.taxId): .taxID
            case .column(.city), .column(.state), .column(.country): .address
            case .column(.phones): .phones
            case .column(.emails): .emails
            case .custom: .customFields
            case .column(.number), .column(.legalName), .column(.type), .column(.group), .column(.branch),
                 .column(.salesAgent), .column(.collector), .column(.updated), .unknown: nil
            }
        }
    }

    /// What the list reads of each client to show the chosen columns (keys).
    static func parts(_ chosen: [String]) -> Set<ClientPart> {
        Set(chosen.compactMap { Shown($0).part })
    }

    /// The rows, one line each.
    func write(_ clients: [Client]) -> HTMLFragment {
        var html = HTMLWriter(capacity: clients.count * 1_024)
        for (index, client) in clients.enumerated() {
            if index > 0 { html.markup("\n") }
            html.markup(client.archived ? "<tr class=\"archived\">" : "<tr>")
            for (column, label) in columns {
                html.markup("<td data-label=\"")
                html.text(label)
                html.markup("\">")
                cell(column, client, &html)
                html.markup("</td>")
            }
            html.markup("</tr>")
        }
        return html.fragment
    }

    func cell(_ column: Shown, _ client: Client, _ html: inout HTMLWriter) {
        let d = client.draft
        switch column {
        case .column(.number): html.text(String(client.clientNumber))
        case .column(.legalName):
            html.markup("<a href=\"")
            html.text(SiteURL.client(client.id).path)
            html.markup("\">")
            html.text(d.legalName)
            html.markup("</a>")
        case .column(.tradeName): html.text(d.tradeName ?? "")
        case .column(.taxId): html.text(d.taxID.map { "\(d.taxIDKind?.rawValue ?? "") \($0)" } ?? "")
        case .column(.type): html.text(lookups.typeName(d.clientTypeID) ?? "")
        case .column(.group): html.text(lookups.groupName(d.clientGroupID) ?? "")
        case .column(.branch): html.text(lookups.branchName(d.branchID) ?? "")
        case .column(.salesAgent): html.text(lookups.userName(d.salesAgentID) ?? "")
        case .column(.collector): html.text(lookups.userName(d.collectorID) ?? "")
        case .column(.city): html.text(d.address.city ?? "")
        case .column(.state): html.text(d.address.state ?? "")
        case .column(.country): html.text(d.address.country ?? "")
        case .column(.phones): for phone in d.phones { link(Contactability.telURL(phone), phone, &html) }
        case .column(.emails): for email in d.emails { link("mailto:" + email, email, &html) }
        case .column(.updated): html.text(env.dateTime(client.updatedAt, context))
        case .custom(let fieldKey):
            switch d.customFields[fieldKey] {
            case .bool(let on)?: html.text(on ? env.t(context.language)["yes"] ?? "" : "")
            case let value?: html.text(value.displayText)
            case nil: break
            }
        case .unknown: break
        }
    }

    /// A phone's or an e-mail's link; a space after each, so several wrap between them.
    private func link(_ href: String, _ label: String, _ html: inout HTMLWriter) {
        html.markup("<a class=\"nowrap\" href=\"")
        html.text(href)
        html.markup("\">")
        html.text(label)
        html.markup("</a> ")
    }
}
