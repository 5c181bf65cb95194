import PacketFlowCore
import PacketFlowJSON

/// What `packetflow publish` sends and how.
public struct PublishOptions: Sendable {
    /// Where the event's Kafka key comes from.
    public enum KeySource: Sendable {
        /// No key: the partitioner spreads events.
        case none
        /// The same key for every event.
        case fixed([UInt8])
        /// A payload field, e.g. `customer.id`; an event without it is invalid.
        case field(JSONPath)
    }

    /// The topic to publish to.
    public var topic: String
    /// The group of the published packets. Default: event driven.
    public var group: PacketGroup = .eventDriven
    /// The packets' kind. Default: the topic's name.
    public var kind: String?
    /// Where keys come from. Default: no key.
    public var key: KeySource = .none
    /// Extra headers on every packet.
    public var headers: [PacketHeader] = []
    /// Check that every event is valid JSON before sending it. Default: true.
    public var validate = true
    /// Count invalid events and go on instead of stopping at the first. Default: false.
    public var skipInvalid = false
    /// Events per second at most; `nil` sends as fast as the broker takes them.
    public var rate: Double?
    /// Stop after this many events; `nil` sends the whole input (and, for a single value, one).
    public var count: Int?
    /// Passes over a file input. Default: 1.
    public var passes = 1

    /// Options for publishing to `topic` with every default.
    public init(topic: String) {
        self.topic = topic
    }
}
