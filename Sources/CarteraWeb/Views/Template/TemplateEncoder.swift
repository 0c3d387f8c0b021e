import Foundation

/// Turns an `Encodable` view model into the `TemplateValue` a compiled
/// template reads. Before it, swift-mustache found each `{{name}}` of a struct
/// through `Mirror`, which demangles the field's type on every lookup: that
/// was four fifths of the client list's time. Encoding runs the compiler-made
/// `encode(to:)`, once per value. `nil` optionals are left out, as a template
/// treats a missing name like a `nil` one.
enum TemplateEncoder {
    static func encode(_ value: some Encodable) throws -> TemplateValue {
        if let direct = value as? any TemplateRepresentable { return direct.templateValue }
        return try encodeFields(value)
    }

    /// `value` through its `encode(to:)`, even when it builds its own value (tests compare the two).
    static func encodeFields(_ value: some Encodable) throws -> TemplateValue {
        let root = Node()
        try value.encode(to: NodeEncoder(node: root))
        return root.value
    }

    /// One value being built: a dictionary, an array or a single value,
    /// grown in place (a class, so nested containers share it).
    final class Node {
        var single: TemplateValue?
        var isNil = false
        var keyed: [String: Node]?
        var unkeyed: [Node]?

        var value: TemplateValue {
            if let keyed { return .object(TemplateFields(keyed.mapValues(\.value))) }
            if let unkeyed { return .list(unkeyed.map(\.value)) }
            if isNil { return .null }
            return single ?? .object([:])
        }

        func child(_ key: String) -> Node {
            if let existing = keyed?[key] { return existing }
            let node = Node()
            if keyed == nil { keyed = [:] }
            keyed![key] = node
            return node
        }

        func append() -> Node {
            let node = Node()
            if unkeyed == nil { unkeyed = [] }
            unkeyed!.append(node)
            return node
        }
    }

    struct NodeEncoder: Encoder {
        let node: Node
        /// Left empty: only error messages read it, and building it cost an array per field.
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            if node.keyed == nil { node.keyed = [:] }
            return KeyedEncodingContainer(Keyed(node: node))
        }
        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            if node.unkeyed == nil { node.unkeyed = [] }
            return Unkeyed(node: node)
        }
        func singleValueContainer() -> any SingleValueEncodingContainer { Single(node: node) }
    }

    /// Plain values and values that build their own `TemplateValue` are stored as they
    /// are; anything else is encoded into a child node.
    static func store(_ value: some Encodable, in node: Node) throws {
        switch value {
        case let plain as String: node.single = .text(plain)
        case let plain as Bool: node.single = .bool(plain)
        case let plain as Int: node.single = .integer(Int64(plain))
        case let plain as Int64: node.single = .integer(plain)
        case let plain as Double: node.single = .number(plain)
        case let direct as any TemplateRepresentable: node.single = direct.templateValue
        default: try value.encode(to: NodeEncoder(node: node))
        }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: Node
        var codingPath: [any CodingKey] { [] }
        mutating func encodeNil(forKey key: Key) {}
        mutating func encode(_ value: String, forKey key: Key) { node.child(key.stringValue).single = .text(value) }
        mutating func encode(_ value: Bool, forKey key: Key) { node.child(key.stringValue).single = .bool(value) }
        mutating func encode(_ value: Int, forKey key: Key) { node.child(key.stringValue).single = .integer(Int64(value)) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            try TemplateEncoder.store(value, in: node.child(key.stringValue))
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            NodeEncoder(node: node.child(key.stringValue)).container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            NodeEncoder(node: node.child(key.stringValue)).unkeyedContainer()
        }
        mutating func superEncoder() -> any Encoder { NodeEncoder(node: node.child("super")) }
        mutating func superEncoder(forKey key: Key) -> any Encoder { NodeEncoder(node: node.child(key.stringValue)) }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let node: Node
        var codingPath: [any CodingKey] { [] }
        var count: Int { node.unkeyed?.count ?? 0 }
        mutating func encodeNil() throws { node.append().isNil = true }
        mutating func encode<T: Encodable>(_ value: T) throws { try TemplateEncoder.store(value, in: node.append()) }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            NodeEncoder(node: node.append()).container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            NodeEncoder(node: node.append()).unkeyedContainer()
        }
        mutating func superEncoder() -> any Encoder { NodeEncoder(node: node.append()) }
    }

    struct Single: SingleValueEncodingContainer {
        let node: Node
        var codingPath: [any CodingKey] { [] }
        mutating func encodeNil() throws { node.isNil = true }
        mutating func encode<T: Encodable>(_ value: T) throws { try TemplateEncoder.store(value, in: node) }
    }
}

/// A view model on every page or repeated on a busy one (the chrome; the client list's
/// headers, filters and options) that builds its `TemplateValue` itself, skipping
/// `Encoder`'s per-field calls (a fifth of the list's time when its rows were objects). It must give what encoding gives — the same keys, `nil`s left
/// out — which `TemplateEncoderTests` checks for every conforming type.
protocol TemplateRepresentable: Encodable {
    var templateValue: TemplateValue { get }
}

extension TemplateValue {
    /// An object of the fields that have a value, as encoding leaves `nil`s out.
    static func fields(_ pairs: KeyValuePairs<String, TemplateValue?>) -> TemplateValue {
        .object(TemplateFields(present: pairs))
    }

    static func list(_ items: [some TemplateRepresentable]) -> TemplateValue { .list(items.map(\.templateValue)) }
}
