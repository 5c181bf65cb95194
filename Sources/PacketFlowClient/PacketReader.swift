import PacketFlowCore
import PacketFlowKafka
import PacketFlowWire

/// Reads the packets of one topic, for `packetflow consume`.
///
/// Without `follow` it reads what the topic holds when it starts and returns; with `follow`
/// it goes on until the count is reached or the task is cancelled. Without a group id it
/// reads in a throwaway group and commits nothing; with one it commits what it has printed.
public struct PacketReader: Sendable {
    /// Where to start in a partition the group has no offset for.
    public enum Start: Sendable {
        /// The oldest message the broker still has.
        case beginning
        /// Only messages written after the reader joins.
        case end
    }

    /// What to read and how.
    public struct Options: Sendable {
        /// The bootstrap address.
        public var bootstrapServers: String
        /// The topic to read.
        public var topic: String
        /// Where to start. Default: the beginning.
        public var start: Start = .beginning
        /// Keep reading new messages. Default: false.
        public var follow = false
        /// Stop after this many packets; `nil` for no limit.
        public var count: Int?
        /// A group to commit in; `nil` reads without committing.
        public var groupID: String?
        /// The group of messages without a `pf-group` header. Default: event driven.
        public var defaultGroup: PacketGroup = .eventDriven
        /// Raw librdkafka properties.
        public var properties: [String: String] = [:]

        /// Options with every default.
        public init(bootstrapServers: String, topic: String) {
            self.bootstrapServers = bootstrapServers
            self.topic = topic
        }
    }

    /// One message read: where it was, and the packet it carries or why it cannot be read.
    public struct Entry: Sendable {
        /// The message as the core model sees it.
        public var record: PacketRecord
        /// The packet, or the metadata error that makes it undecodable.
        public var packet: Result<Packet, PacketMetadataError>
    }

    private let options: Options

    /// Creates a reader.
    public init(options: Options) {
        self.options = options
    }

    /// Calls `body` with each packet in the order the partitions deliver them.
    ///
    /// - Returns: how many packets were read.
    /// - Throws: `KafkaError` when the broker is unreachable or the consumer fails.
    @discardableResult
    public func read(_ body: (Entry) throws -> Void) async throws -> Int {
        let admin = try KafkaTopicAdmin(bootstrapServers: options.bootstrapServers, properties: options.properties)
        try await admin.waitUntilConnected()
        // What "the end" means without --follow: the high watermarks when reading starts.
        var remaining: [Int32: Int64] = [:]
        if !options.follow {
            for mark in try await admin.watermarks(topic: options.topic) where mark.high > mark.low {
                remaining[mark.partition] = mark.high
            }
            if options.start == .end || remaining.isEmpty { return 0 }
        }
        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: options.bootstrapServers,
            groupID: options.groupID ?? "packetflow-consume-\(PacketID.generate().rawValue.lowercased())")
        configuration.offsetReset = options.start == .beginning ? .earliest : .latest
        configuration.autoCommit = options.groupID != nil
        configuration.properties = options.properties
        let consumer = try KafkaConsumer(configuration: configuration)
        try consumer.subscribe(topics: [options.topic])
        var read = 0
        batches: for await batch in consumer.batches {
            for message in batch {
                let record = PacketRecord(consumed: message)
                let packet = Result { () throws(PacketMetadataError) in
                    try PacketWireFormat.packet(from: record, defaultGroup: options.defaultGroup)
                }
                try body(Entry(record: record, packet: packet))
                read += 1
                if options.groupID != nil { try consumer.storeOffset(of: message) }
                if let high = remaining[message.partition], message.offset + 1 >= high {
                    remaining[message.partition] = nil
                }
                if let count = options.count, read >= count { break batches }
                if !options.follow && remaining.isEmpty { break batches }
            }
        }
        try await consumer.close()
        return read
    }
}
