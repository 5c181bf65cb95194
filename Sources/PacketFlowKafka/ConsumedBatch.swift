import CRdKafka

/// Records the poll thread took from librdkafka, still in librdkafka's memory.
///
/// The reader decodes them (`takeMessages()`), so the Swift values are allocated and freed on
/// the reader's thread and librdkafka's messages are released there too: glibc's per-thread
/// caches make that far cheaper than allocating on one thread and freeing on another.
/// Holds the client, so `rd_kafka_destroy` cannot run while messages are outstanding.
/// `@unchecked Sendable`: handed from the poll thread to one reader through the buffer's
/// lock and used by that reader alone.
final class ConsumedBatch: @unchecked Sendable {
    private let client: RdKafkaClient
    private var messages: UnsafeMutableBufferPointer<UnsafeMutablePointer<rd_kafka_message_t>?>
    /// How many records the batch holds.
    let count: Int

    /// Takes ownership of the first `count` messages of `messages`, a buffer it frees.
    init(client: RdKafkaClient, messages: UnsafeMutableBufferPointer<UnsafeMutablePointer<rd_kafka_message_t>?>, count: Int) {
        self.client = client
        self.messages = messages
        self.count = count
    }

    deinit {
        releaseMessages()
    }

    /// Decodes every record into a `KafkaMessage` and releases librdkafka's copies.
    ///
    /// Call once; a second call returns an empty array.
    func takeMessages() -> [KafkaMessage] {
        guard messages.baseAddress != nil else { return [] }
        var decoder = ConsumedMessageDecoder()
        var decoded: [KafkaMessage] = []
        decoded.reserveCapacity(count)
        for message in messages[..<count] {
            if let message { decoded.append(decoder.decode(message)) }
        }
        releaseMessages()
        return decoded
    }

    private func releaseMessages() {
        guard messages.baseAddress != nil else { return }
        for message in messages[..<count] {
            if let message { rd_kafka_message_destroy(message) }
        }
        messages.deallocate()
        messages = UnsafeMutableBufferPointer(start: nil, count: 0)
    }
}
