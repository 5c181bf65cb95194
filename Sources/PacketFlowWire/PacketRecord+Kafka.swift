import Foundation
import PacketFlowCore
import PacketFlowKafka

// A packet on the wire: the one place where Kafka's records and PacketFlow's packets meet.

extension PacketRecord {
    /// The core model's view of a consumed message (the runtime, the connectors, the client and
    /// the reactor read packets through it).
    public init(consumed message: KafkaMessage) {
        self.init(
            topic: message.topic,
            partition: message.partition,
            offset: message.offset,
            timestampMilliseconds: message.timestamp.map { Int64(($0.timeIntervalSince1970 * 1_000).rounded()) },
            key: message.key,
            value: message.value,
            headers: message.headers.map { PacketHeader(name: $0.key, value: $0.value) })
    }

    /// The message that produces this record (its partition left to the partitioner).
    public var producerMessage: KafkaProducerMessage {
        KafkaProducerMessage(
            topic: topic, key: key, value: value,
            headers: headers.map { KafkaHeader(key: $0.name, value: $0.value) },
            timestamp: timestampMilliseconds.map { Date(timeIntervalSince1970: Double($0) / 1_000) })
    }
}

extension PacketWireFormat {
    /// The packet a consumed record carries, read in place: its headers are matched without
    /// a record or header arrays, and only the key and payload are copied.
    public static func packet(from record: KafkaRecordView, defaultGroup: PacketGroup) throws(PacketMetadataError) -> Packet {
        try packet(
            topic: record.topic, partition: record.partition, offset: record.offset,
            timestampMilliseconds: record.timestampMilliseconds, key: record.key.map { Array($0) },
            payload: record.value.map { Array($0) } ?? [], defaultGroup: defaultGroup
        ) { (read) throws(PacketMetadataError) in
            for index in 0..<record.headerCount {
                let header = record.header(at: index)
                try read(header.key, header.value)
            }
        }
    }
}

extension KafkaProducer {
    /// Enqueues the message that carries `packet` to `topic` in `group` (see `enqueue(topic:...)`), its
    /// headers written straight into the record: the batch path's way to hand on outputs,
    /// with no intermediate record or header arrays.
    public func enqueue(_ packet: Packet, to topic: String, group: KafkaDeliveryGroup) async throws {
        while let full = try packet.payload.withUnsafeBytes({ payload in
            try tryEnqueue(
                topic: topic, key: packet.key, value: payload, timestampMilliseconds: packet.createdMilliseconds, group: group
            ) { headers in
                PacketWireFormat.forEachHeader(of: packet) { name, value in headers.append(name: name, value: value) }
            }
        }) {
            await waitForRoom(after: full)
        }
    }
}
