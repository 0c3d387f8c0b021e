import Foundation

/// A digital form's design (seed 000, "Formularios"): sections of typed fields.
/// Each change is a new version; a saved form keeps the version it was filled with.
public struct FormDefinition: Hashable, Sendable, Codable {
    public struct Section: Hashable, Sendable, Codable {
        public var title: String
        public var fields: [Field]
    }

    public enum FieldType: String, Hashable, Sendable, Codable, CaseIterable {
        case text, longText = "long_text", number, date, time, checkbox, choice, item, asset, photoURL = "photo_url", signature
    }

    public struct Field: Hashable, Sendable, Codable {
        /// Unique in the form, made from the label.
        public var key: String
        public var label: String
        public var type: FieldType
        public var required: Bool
        public var choices: [String]
        /// For `item` fields: the master table the items come from.
        public var tableID: MasterTable.ID?
    }

    public var sections: [Section]

    public var fields: [Field] { sections.flatMap(\.fields) }

    /// The design as text, one line per field, `#` for a section — the admin's editor:
    ///
    ///     # Trabajo realizado
    ///     Tipo de trabajo | elección | obligatorio | Preventivo, Correctivo
    ///     Repuestos | artículo: Productos
    ///
    /// `tables` name the master tables for `item` fields (by name, accents and case aside).
    public static func parse(_ text: String, tables: [MasterTable]) throws(ValidationFailure) -> FormDefinition {
        var sections: [Section] = []
        var errors: [FieldError] = []
        var keys = Set<String>()
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            let number = String(index + 1)
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                sections.append(Section(title: String(line.dropFirst()).trimmingCharacters(in: .whitespaces), fields: []))
                continue
            }
            let parts = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let label = parts[0]
            let key = CustomFieldDefinition.makeKey(from: label)
            guard !key.isEmpty, label.count <= 100 else { errors.append(FieldError("definition", "form_line_label", [number])); continue }
            guard keys.insert(key).inserted else { errors.append(FieldError("definition", "form_line_duplicate", [number])); continue }
            let typeWord = parts.count > 1 ? parts[1] : "texto"
            let (typeName, argument) = typeWord.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                .reduce(into: ("", "")) { acc, piece in if acc.0.isEmpty { acc.0 = piece } else { acc.1 = piece } }
            guard let type = Self.typeWords[Normalization.searchKey(typeName)] else {
                errors.append(FieldError("definition", "form_line_type", [number])); continue
            }
            let flags = parts.dropFirst(2).map { Normalization.searchKey($0) }
            let required = flags.contains { $0 == "obligatorio" || $0 == "required" }
            var choices: [String] = []
            var tableID: MasterTable.ID?
            if type == .choice {
                choices = parts.dropFirst(2).filter { !["obligatorio", "required"].contains(Normalization.searchKey($0)) }
                    .flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
                if choices.isEmpty { errors.append(FieldError("definition", "form_line_choices", [number])); continue }
            }
            if type == .item {
                guard let table = tables.first(where: { Normalization.searchKey($0.name) == Normalization.searchKey(argument) }) else {
                    errors.append(FieldError("definition", "form_line_table", [number])); continue
                }
                tableID = table.id
            }
            if sections.isEmpty { sections.append(Section(title: "", fields: [])) }
            sections[sections.count - 1].fields.append(Field(key: key, label: label, type: type, required: required, choices: choices,
                                                             tableID: tableID))
        }
        if errors.isEmpty && sections.allSatisfy(\.fields.isEmpty) { errors.append(FieldError("definition", "required")) }
        if !errors.isEmpty { throw ValidationFailure(errors) }
        return FormDefinition(sections: sections.filter { !$0.fields.isEmpty })
    }

    /// The design written back in the editor's syntax (Spanish words), so the admin edits what is stored.
    public func text(tables: [MasterTable]) -> String {
        sections.map { section in
            (section.title.isEmpty ? [] : ["# " + section.title]) + section.fields.map { field in
                var parts = [field.label, Self.spanishWord[field.type]!]
                if field.type == .item { parts[1] += ": " + (tables.first { $0.id == field.tableID }?.name ?? "") }
                if field.required { parts.append("obligatorio") }
                if field.type == .choice { parts.append(field.choices.joined(separator: ", ")) }
                return parts.joined(separator: " | ")
            }
        }.map { $0.joined(separator: "\n") }.joined(separator: "\n\n")
    }

    static let spanishWord: [FieldType: String] = [
        .text: "texto", .longText: "texto largo", .number: "número", .date: "fecha", .time: "hora", .checkbox: "casilla",
        .choice: "elección", .item: "artículo", .asset: "equipo", .photoURL: "foto", .signature: "firma",
    ]

    static let typeWords: [String: FieldType] = {
        var out: [String: FieldType] = [:]
        for (type, word) in spanishWord { out[Normalization.searchKey(word)] = type }
        for type in FieldType.allCases { out[Normalization.searchKey(type.rawValue)] = type }
        for (word, type) in [("long text", FieldType.longText), ("photo", .photoURL), ("photo url", .photoURL), ("eleccion", .choice),
                             ("opcion", .choice), ("numero", .number), ("articulo", .item), ("producto", .item), ("asset", .asset)] {
            out[word] = type
        }
        return out
    }()
}

/// A form template: a name and its numbered versions; `currentVersion` is what new forms use.
public struct FormTemplate: Hashable, Sendable {
    public typealias ID = EntityID<FormTemplate>
    public let id: ID
    public let name: String
    public let active: Bool
    public let currentVersion: FormTemplateVersion
    public let version: Int64

    public init(id: ID, name: String, active: Bool, currentVersion: FormTemplateVersion, version: Int64) {
        self.id = id; self.name = name; self.active = active; self.currentVersion = currentVersion; self.version = version
    }
}

/// One immutable version of a template's design.
public struct FormTemplateVersion: Hashable, Sendable {
    public typealias ID = EntityID<FormTemplateVersion>
    public let id: ID
    public let templateID: FormTemplate.ID
    public let number: Int
    public let definition: FormDefinition

    public init(id: ID, templateID: FormTemplate.ID, number: Int, definition: FormDefinition) {
        self.id = id; self.templateID = templateID; self.number = number; self.definition = definition
    }
}

/// An answer in a saved form. Item lines copy the item and its price at the time of filling.
public enum FormAnswer: Hashable, Sendable, Codable {
    case text(String)
    case number(Double)
    case bool(Bool)
    case items([ItemLine])
    case asset(id: Asset.ID, name: String)

    public struct ItemLine: Hashable, Sendable, Codable {
        public let itemID: MasterItem.ID
        public let code: String
        public let description: String
        public let unit: String?
        /// Quantity in thousandths (2.5 → 2500).
        public let quantityMilli: Int64
        public let unitPrice: Money?
        public var total: Money? { unitPrice?.times(milli: quantityMilli) }

        public init(itemID: MasterItem.ID, code: String, description: String, unit: String?, quantityMilli: Int64, unitPrice: Money?) {
            self.itemID = itemID; self.code = code; self.description = description; self.unit = unit
            self.quantityMilli = quantityMilli; self.unitPrice = unitPrice
        }
    }
}

/// What a person types in one form field, before the store looks items and assets up.
public enum FormInput: Hashable, Sendable {
    case text(String)
    /// Item lines as typed.
    case items([ItemInput])

    public struct ItemInput: Hashable, Sendable {
        public let code: String
        public let quantity: String
        public init(code: String, quantity: String) { self.code = code; self.quantity = quantity }
    }
}

/// A saved form.
public struct FilledForm: Hashable, Sendable {
    public typealias ID = EntityID<FilledForm>
    public let id: ID
    public let clientID: Client.ID
    public let templateVersion: FormTemplateVersion
    public let templateName: String
    public let workOrderID: WorkOrder.ID?
    public let priceListID: PriceList.ID?
    public let answers: [String: FormAnswer]
    public let total: Money?
    public let filledBy: User.ID
    public let filledAt: Date

    public init(id: ID, clientID: Client.ID, templateVersion: FormTemplateVersion, templateName: String, workOrderID: WorkOrder.ID?,
                priceListID: PriceList.ID?, answers: [String: FormAnswer], total: Money?, filledBy: User.ID, filledAt: Date) {
        self.id = id; self.clientID = clientID; self.templateVersion = templateVersion; self.templateName = templateName
        self.workOrderID = workOrderID; self.priceListID = priceListID; self.answers = answers; self.total = total
        self.filledBy = filledBy; self.filledAt = filledAt
    }
}
