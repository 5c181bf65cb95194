import Foundation
import PacketFlowCore
import PacketFlowKafka

extension PacketRecord {
    /// The core model's view of a consumed Kafka message.
    public init(_ message: KafkaMessage) {
        self.init(
            topic: message.topic,
            partition: message.partition,
            offset: message.offset,
            timestampMilliseconds: message.timestamp.map { Int64(($0.timeIntervalSince1970 * 1_000).rounded()) },
            key: message.key,
            value: message.value,
            headers: message.headers.map { PacketHeader(name: $0.key, value: $0.value) })
    }
}
