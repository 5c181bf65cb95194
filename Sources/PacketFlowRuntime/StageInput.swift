import PacketFlowCore
import PacketFlowJSON
import PacketFlowKafka
import PacketFlowWire

/// A consumed message as a stage takes it: its packet or why it is none, and where the record
/// as it came can be read again for the dead-letter topic.
struct StageInput: Sendable {
    /// Where the record as it came is read from.
    enum Source: Sendable {
        /// A message already copied out of the consumer.
        case message(KafkaMessage)
        /// A record of a fetched batch, decoded in place; the batch is kept until the input goes.
        case fetched(KafkaConsumer.Batch, index: Int)
    }

    /// The packet, or why the message is not one (invalid JSON, a bad PacketFlow header).
    let packet: Result<Packet, any Error>
    let source: Source

    /// Decodes a message copied out of the consumer.
    init(_ message: KafkaMessage, defaultGroup: PacketGroup) {
        self.packet = Result {
            try JSON.validate(message.value ?? [])
            return try PacketWireFormat.packet(from: PacketRecord(consumed: message), defaultGroup: defaultGroup)
        }
        self.source = .message(message)
    }

    /// Decodes the record at `index` of `batch` in place: no `KafkaMessage` or record arrays
    /// on the way to the packet.
    init(_ batch: KafkaConsumer.Batch, at index: Int, defaultGroup: PacketGroup) {
        self.packet = batch.withRecord(at: index) { record in
            Result {
                try JSON.validate(record.value ?? UnsafeRawBufferPointer(start: nil, count: 0))
                return try PacketWireFormat.packet(from: record, defaultGroup: defaultGroup)
            }
        }
        self.source = .fetched(batch, index: index)
    }

    /// The record as it came, copied again from where it was read.
    var original: PacketRecord {
        switch source {
        case .message(let message): PacketRecord(consumed: message)
        case .fetched(let batch, let index): PacketRecord(consumed: batch[index])
        }
    }
}
