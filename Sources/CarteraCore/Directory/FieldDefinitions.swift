import Foundation

/// Typed fields defined by the admin on a catalogue (asset kinds, master tables): the same types and
/// checks as client custom fields. A field's key (made from the Spanish label) and type never change, so
/// stored values stay readable; labels, "required", choices and visibility can.
extension Array where Element == CustomFieldDefinition {
    /// The fields with a new one added; `reserved` keys belong to the record's own columns.
    public func adding(labelES: String, labelEN: String, type: CustomFieldType, required: Bool, choices: [String],
                       reserved: Set<String>) throws(ValidationFailure) -> [CustomFieldDefinition] {
        var v = Validator()
        let label = v.text("labelEs", labelES, required: true, maxLength: 100) ?? ""
        let english = v.text("labelEn", labelEN, maxLength: 100) ?? ""
        let key = CustomFieldDefinition.makeKey(from: label)
        if !label.isEmpty && key.isEmpty { v.add("labelEs", "invalid_label") }
        if contains(where: { $0.key == key }) || reserved.contains(key) { v.add("labelEs", "duplicate") }
        let options = choices.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if type == .choice && options.isEmpty { v.add("choices", "required") }
        if count >= 30 { v.add("labelEs", "too_many", ["30"]) }
        try v.check()
        return self + [CustomFieldDefinition(id: .init(Int64(count + 1)), key: key, labelES: label,
                                             labelEN: english, type: type, required: required,
                                             showInList: false, choices: type == .choice ? options : [], position: count,
                                             active: true, version: 1)]
    }

    /// The fields with one changed; nil when no field has `key`.
    public func updating(key: String, labelES: String, labelEN: String, required: Bool, choices: [String],
                         active: Bool) throws(ValidationFailure) -> [CustomFieldDefinition]? {
        guard let index = firstIndex(where: { $0.key == key }) else { return nil }
        var v = Validator()
        var field = self[index]
        field.labelES = v.text("labelEs", labelES, required: true, maxLength: 100) ?? ""
        field.labelEN = v.text("labelEn", labelEN, maxLength: 100) ?? ""
        field.required = required
        field.active = active
        if field.type == .choice {
            field.choices = choices.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if field.choices.isEmpty { v.add("choices", "required") }
        }
        try v.check()
        var out = self
        out[index] = field
        return out
    }
}
