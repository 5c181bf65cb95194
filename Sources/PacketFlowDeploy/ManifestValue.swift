/// One value of a Kubernetes manifest: the JSON data model with keys kept in written order.
///
/// Generators build manifests from these, so the output's key order is fixed by the code
/// (`apiVersion`, `kind`, `metadata`, `spec`, ...) and identical on every run; the YAML
/// writer (``yaml()``) quotes strings that YAML would otherwise read as numbers or booleans.
/// Tests read generated values back with the subscripts.
public indirect enum ManifestValue: Sendable, Hashable {
    /// A string.
    case string(String)
    /// A whole number.
    case integer(Int)
    /// A boolean.
    case boolean(Bool)
    /// A list.
    case list([ManifestValue])
    /// A mapping whose keys keep the order they were written in.
    case object([Field])

    /// One key and its value in an ``object(_:)``.
    public struct Field: Sendable, Hashable {
        /// The key.
        public var key: String
        /// The value.
        public var value: ManifestValue

        /// Creates a field.
        public init(_ key: String, _ value: ManifestValue) {
            self.key = key
            self.value = value
        }
    }

    /// An object of `fields`, leaving out those whose value is `nil`.
    public static func object(omittingNil fields: KeyValuePairs<String, ManifestValue?>) -> ManifestValue {
        .object(fields.compactMap { key, value in value.map { Field(key, $0) } })
    }

    /// The value at `key` of an object; `nil` for a missing key or a value that is no object.
    public subscript(key: String) -> ManifestValue? {
        guard case .object(let fields) = self else { return nil }
        return fields.first { $0.key == key }?.value
    }

    /// The element at `index` of a list; `nil` out of range or for a value that is no list.
    public subscript(index: Int) -> ManifestValue? {
        guard case .list(let items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }

    /// The string, if this is one.
    public var stringValue: String? {
        if case .string(let value) = self { value } else { nil }
    }

    /// The number, if this is one.
    public var integerValue: Int? {
        if case .integer(let value) = self { value } else { nil }
    }

    /// The boolean, if this is one.
    public var booleanValue: Bool? {
        if case .boolean(let value) = self { value } else { nil }
    }

    /// The elements, if this is a list.
    public var listValue: [ManifestValue]? {
        if case .list(let items) = self { items } else { nil }
    }

    /// The keys in written order, if this is an object.
    public var keys: [String]? {
        if case .object(let fields) = self { fields.map(\.key) } else { nil }
    }
}

extension ManifestValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    /// A string.
    public init(stringLiteral value: String) { self = .string(value) }
    /// A number.
    public init(integerLiteral value: Int) { self = .integer(value) }
    /// A boolean.
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
    /// A list.
    public init(arrayLiteral elements: ManifestValue...) { self = .list(elements) }
    /// An object whose keys keep the literal's order.
    public init(dictionaryLiteral elements: (String, ManifestValue)...) {
        self = .object(elements.map { Field($0.0, $0.1) })
    }
}
