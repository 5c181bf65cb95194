import Foundation
import PacketFlowCore
import PacketFlowKafka

extension PacketRecord {
    /// The core model's view of a consumed message (the runtime and connectors read packets through it).
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

extension KafkaProducer {
    /// Enqueues the message that carries `packet` to `topic` (see `enqueue(topic:...)`), its
    /// headers written straight into the record: the batch path's way to hand on outputs,
    /// with no intermediate record or header arrays.
    func enqueue(_ packet: Packet, to topic: String) async throws {
        while let full = try packet.payload.withUnsafeBytes({ payload in
            try tryEnqueue(topic: topic, key: packet.key, value: payload, timestampMilliseconds: packet.createdMilliseconds) { headers in
                PacketWireFormat.forEachHeader(of: packet) { name, value in headers.append(name: name, value: value) }
            }
        }) {
            await waitForRoom(after: full)
        }
    }
}
