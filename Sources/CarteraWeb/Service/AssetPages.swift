import CarteraCore
import CarteraStore
import Foundation

/// The asset form as posted: name, serial and the kind's fields (`f_<key>`).
struct AssetForm {
    var name: String
    var serial: String
    var fieldValues: [String: String]

    init(_ form: FormData, kind: AssetKind) {
        name = form["name"] ?? ""
        serial = form["serial"] ?? ""
        fieldValues = kind.fields.reduce(into: [:]) { $0[$1.key] = form["f_" + $1.key] ?? "" }
    }

    init(_ asset: Asset?) {
        name = asset?.draft.name ?? ""
        serial = asset?.draft.serial ?? ""
        fieldValues = asset?.draft.values.mapValues(\.displayText) ?? [:]
    }

    /// The draft; values are parsed by the kind's types when validated. Hidden fields keep their stored values.
    func draft(kind: AssetKind, keeping stored: Asset?) -> AssetDraft {
        var values: [String: CustomFieldValue] = [:]
        for field in kind.fields {
            if !field.active { if let kept = stored?.draft.values[field.key] { values[field.key] = kept }; continue }
            if let raw = fieldValues[field.key], !raw.trimmingCharacters(in: .whitespaces).isEmpty { values[field.key] = .text(raw) }
        }
        return AssetDraft(kindID: kind.id, name: name, serial: serial, values: values)
    }

    func inputs(kind: AssetKind, errors: FormErrors, language: Language) -> [ClientFormPage.CustomInput] {
        kind.fields.filter(\.active).map { field in
            ClientFormPage.CustomInput(field, name: "f_" + field.key, value: fieldValues[field.key] ?? "",
                                       error: errors.byField["customFields.\(field.key)"], language: language)
        }
    }
}

/// An asset in a list.
struct AssetRow: Encodable {
    let url: String
    let name: String
    let serial: String?
    let kindName: String
    let clientName: String
    let clientURL: String
    /// "Marca: Surrey · Instalado el: 2025-03-14"
    let summary: String
    let archived: Bool

    init(_ listing: AssetListing, kind: AssetKind?, language: Language) {
        let a = listing.asset
        url = SiteURL.asset(a.id).path
        name = a.draft.name
        serial = a.draft.serial
        kindName = listing.kindName
        clientName = "\(listing.clientNumber) · \(listing.clientName)"
        clientURL = SiteURL.client(a.clientID).path
        summary = (kind?.fields ?? []).filter(\.active).compactMap { field in
            a.draft.values[field.key].map { "\(field.label(language)): \($0.displayText)" }
        }.joined(separator: " · ")
        archived = a.archived
    }
}

/// The assets panel: search, filters, the list, add, downloads.
struct AssetListPage: Encodable {
    let rows: [AssetRow]
    let empty: Bool
    let count: String
    let kinds: [Option]
    let addKinds: [Option]
    let archivedChoices: [Option]
    let values: [String: String]
    let errors: [String]
    let nextURL: String?
    let exportXLSX: String?
    let exportCSV: String?
    let canImport: Bool
    let importResult: ImportResult?
}

/// The new-asset and asset pages.
struct AssetPage: Encodable {
    let title: String
    let clientName: String
    let clientURL: String
    let kindName: String
    let kindID: String
    let action: String
    let version: Int64?
    let name: String
    let serial: String
    let inputs: [ClientFormPage.CustomInput]
    let errors: [String]
    let hasErrors: Bool
    let archived: Bool
    let archiveAction: String?
    let restoreAction: String?
    let orders: [WorkOrderRow]
    let hasOrders: Bool
    let newOrderURL: String?
}
