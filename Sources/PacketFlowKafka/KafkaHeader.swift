/// One Kafka record header: a name and an optional binary value.
///
/// A `nil` value (a null header) and an empty value are different on the wire and stay
/// different through PacketFlow.
public struct KafkaHeader: Hashable, Sendable {
    /// The header's name.
    public var key: String
    /// The header's bytes; `nil` is a null value, `[]` an empty one.
    public var value: [UInt8]?

    /// Creates a header.
    public init(key: String, value: [UInt8]?) {
        self.key = key
        self.value = value
    }

    /// Creates a header whose value is the UTF-8 bytes of `value`.
    public init(key: String, value: String) {
        self.init(key: key, value: Array(value.utf8))
    }
}
