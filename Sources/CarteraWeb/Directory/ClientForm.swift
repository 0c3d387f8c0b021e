import CarteraCore
import Foundation

/// The client form as typed: kept as text so a refused form shows exactly
/// what the user wrote, and turned into a ``ClientDraft`` to save.
struct ClientForm {
    var values: [String: String]

    static let keys = ["legalName", "tradeName", "taxId", "taxIdKind", "clientTypeId", "clientGroupId", "branchId",
                       "salesAgentId", "collectorId", "street", "number", "city", "state", "postalCode", "country",
                       "latitude", "longitude", "emails", "phones", "description"]

    init(form: FormData, definitions: [CustomFieldDefinition]) {
        var values: [String: String] = [:]
        for key in Self.keys { values[key] = form[key] ?? "" }
        for definition in definitions { values["cf_" + definition.key] = form["cf_" + definition.key] ?? "" }
        self.values = values
    }

    init(client: Client?, definitions: [CustomFieldDefinition]) {
        let d = client?.draft ?? ClientDraft()
        values = [
            "legalName": d.legalName, "tradeName": d.tradeName ?? "", "taxId": d.taxID ?? "",
            "taxIdKind": d.taxIDKind?.rawValue ?? "", "clientTypeId": d.clientTypeID?.description ?? "",
            "clientGroupId": d.clientGroupID?.description ?? "", "branchId": d.branchID?.description ?? "",
            "salesAgentId": d.salesAgentID?.description ?? "", "collectorId": d.collectorID?.description ?? "",
            "street": d.address.street ?? "", "number": d.address.number ?? "", "city": d.address.city ?? "",
            "state": d.address.state ?? "", "postalCode": d.address.postalCode ?? "", "country": d.address.country ?? "",
            "latitude": d.latitude.map { String($0) } ?? "", "longitude": d.longitude.map { String($0) } ?? "",
            "emails": d.emails.joined(separator: "\n"), "phones": d.phones.joined(separator: "\n"),
            "description": d.description ?? "",
        ]
        for definition in definitions {
            values["cf_" + definition.key] = d.customFields[definition.key]?.displayText ?? ""
        }
    }

    /// The draft, or every field that does not even parse (numbers, ids, kinds).
    func draft(keeping hidden: [String: CustomFieldValue], definitions: [CustomFieldDefinition]) throws(ValidationFailure) -> ClientDraft {
        var v = Validator()
        func text(_ key: String) -> String? {
            let value = values[key]?.trimmed ?? ""
            return value.isEmpty ? nil : value
        }
        func id<T>(_ key: String) -> EntityID<T>? {
            guard let raw = text(key) else { return nil }
            guard let id = EntityID<T>(string: raw) else { v.add(key, "unknown_reference"); return nil }
            return id
        }
        func number(_ key: String) -> Double? {
            guard let raw = text(key) else { return nil }
            guard let value = Double(raw.replacingOccurrences(of: ",", with: ".")) else { v.add(key, "invalid_decimal"); return nil }
            return value
        }
        func list(_ key: String) -> [String] {
            (values[key] ?? "").split(whereSeparator: { $0 == "\n" || $0 == "," || $0 == ";" })
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        var kind: TaxIDKind?
        if let raw = text("taxIdKind") {
            kind = TaxIDKind(rawValue: raw)
            if kind == nil { v.add("taxIdKind", "invalid_choice") }
        }
        var custom = hidden
        for definition in definitions where definition.active {
            if let raw = text("cf_" + definition.key) { custom[definition.key] = .text(raw) }
            else { custom.removeValue(forKey: definition.key) }
        }
        let draft = ClientDraft(
            legalName: values["legalName"] ?? "", tradeName: text("tradeName"), taxID: text("taxId"), taxIDKind: kind,
            clientTypeID: id("clientTypeId"), clientGroupID: id("clientGroupId"), branchID: id("branchId"),
            salesAgentID: id("salesAgentId"), collectorID: id("collectorId"),
            address: Address(street: text("street"), number: text("number"), city: text("city"), state: text("state"),
                             postalCode: text("postalCode"), country: text("country")),
            latitude: number("latitude"), longitude: number("longitude"), emails: list("emails"), phones: list("phones"),
            description: text("description"), customFields: custom)
        try v.check()
        return draft
    }
}
