/// One Kafka header as the core model sees it: a name and an optional value.
///
/// A `nil` value (a header without value) and an empty value are different on the wire and
/// stay different here.
public struct PacketHeader: Sendable, Hashable {
    /// The header's name.
    public var name: String
    /// The header's bytes, or `nil` for a header without value.
    public var value: [UInt8]?

    /// Creates a header from raw bytes.
    public init(name: String, value: [UInt8]?) {
        self.name = name
        self.value = value
    }

    /// Creates a header whose value is UTF-8 text.
    public init(name: String, text: String) {
        self.init(name: name, value: Array(text.utf8))
    }

    /// The value as UTF-8 text, `nil` when absent.
    public var text: String? { value.map { String(decoding: $0, as: UTF8.self) } }
}
