/// A Kafka message as the core model sees it, without any Kafka dependency.
///
/// The Kafka module converts its messages to and from this shape; ``PacketWireFormat`` turns
/// it into a ``Packet`` and back.
public struct PacketRecord: Sendable, Hashable {
    /// The topic the message was read from or is written to.
    public var topic: String
    /// Its partition; -1 when not yet assigned.
    public var partition: Int32
    /// Its offset; -1 when not yet written.
    public var offset: Int64
    /// Kafka's timestamp in milliseconds since the Unix epoch, when known.
    public var timestampMilliseconds: Int64?
    /// The message key.
    public var key: [UInt8]?
    /// The message value.
    public var value: [UInt8]?
    /// All headers, in order.
    public var headers: [PacketHeader]

    /// Creates a record.
    public init(
        topic: String,
        partition: Int32 = -1,
        offset: Int64 = -1,
        timestampMilliseconds: Int64? = nil,
        key: [UInt8]? = nil,
        value: [UInt8]?,
        headers: [PacketHeader] = []
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.timestampMilliseconds = timestampMilliseconds
        self.key = key
        self.value = value
        self.headers = headers
    }
}
