import CRdKafka

/// Records the poll thread took from librdkafka, still in librdkafka's memory.
///
/// Readers decode one record at a time (`message(at:)`), so the Swift values are allocated
/// and freed on the reader's thread, one record's worth at a time, which glibc's per-thread
/// caches serve far faster than a whole batch allocated on one thread and freed on another.
/// librdkafka's messages are released when the batch goes. Holds the client, so
/// `rd_kafka_destroy` cannot run while messages are outstanding. `@unchecked Sendable`: the
/// poll thread hands it through the buffer's lock to one reader, which alone uses it.
final class ConsumedBatch: @unchecked Sendable {
    private let client: RdKafkaClient
    private let messages: UnsafeMutableBufferPointer<UnsafeMutablePointer<rd_kafka_message_t>?>
    private let topics: [String]
    /// How many records the batch holds.
    let count: Int

    /// Takes ownership of the first `count` messages of `messages` (none an error), and of
    /// the buffer itself.
    init(client: RdKafkaClient, messages: UnsafeMutableBufferPointer<UnsafeMutablePointer<rd_kafka_message_t>?>, count: Int) {
        var decoder = ConsumedMessageDecoder()
        self.client = client
        self.messages = messages
        self.count = count
        self.topics = messages[..<count].map { decoder.topicName(of: $0!) }
    }

    deinit {
        for message in messages[..<count] {
            rd_kafka_message_destroy(message)
        }
        messages.deallocate()
    }

    /// Decodes the record at `index` (each call copies it anew).
    func message(at index: Int) -> KafkaMessage {
        ConsumedMessageDecoder.decode(messages[index]!, topic: topics[index])
    }

    /// The record at `index` in place; valid while the batch lives.
    func view(at index: Int) -> KafkaRecordView {
        KafkaRecordView(messages[index]!, topic: topics[index])
    }

    /// Frees the headers librdkafka parsed for the record at `index` (parsed again on demand).
    func releaseHeaders(at index: Int) {
        ConsumedMessageDecoder.releaseHeaders(of: messages[index]!)
    }

    /// Where the record at `index` sits, without decoding it.
    func position(at index: Int) -> (topic: String, partition: Int32, offset: Int64) {
        (topics[index], messages[index]!.pointee.partition, messages[index]!.pointee.offset)
    }
}
