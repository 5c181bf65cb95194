extension KafkaConsumer {
    /// The consumer's records one by one, in fetch order per partition; ends on `close()`.
    ///
    /// Reading slower than the cluster delivers makes the poll thread wait (back-pressure).
    /// Share one iteration per consumer: several iterators split the records between them.
    public var messages: Messages { Messages(buffer: buffer) }

    /// The consumer's records in the batches the poll thread fetched (at most `pollBatchSize`).
    ///
    /// The high-throughput path: one hand-over per batch instead of per record. Ends on `close()`.
    public var batches: Batches { Batches(buffer: buffer) }

    /// An `AsyncSequence` of a consumer's records, one at a time.
    public struct Messages: AsyncSequence, Sendable {
        public typealias Element = KafkaMessage
        let buffer: ConsumerBuffer<ConsumedBatch>

        /// Creates the iterator.
        public func makeAsyncIterator() -> Iterator { Iterator(buffer: buffer) }

        /// Hands out the records of one batch before taking the next.
        public struct Iterator: AsyncIteratorProtocol {
            let buffer: ConsumerBuffer<ConsumedBatch>
            var batch: [KafkaMessage] = []
            var index = 0

            /// The next record, or `nil` once the consumer is closed and drained.
            public mutating func next() async -> KafkaMessage? {
                if index == batch.count {
                    guard let next = await buffer.next() else { return nil }
                    batch = next.takeMessages()
                    index = 0
                }
                defer { index += 1 }
                return batch[index]
            }
        }
    }

    /// An `AsyncSequence` of a consumer's records in fetched batches, each non-empty.
    public struct Batches: AsyncSequence, Sendable {
        public typealias Element = [KafkaMessage]
        let buffer: ConsumerBuffer<ConsumedBatch>

        /// Creates the iterator.
        public func makeAsyncIterator() -> Iterator { Iterator(buffer: buffer) }

        /// Takes one fetched batch at a time.
        public struct Iterator: AsyncIteratorProtocol {
            let buffer: ConsumerBuffer<ConsumedBatch>

            /// The next batch, or `nil` once the consumer is closed and drained.
            public mutating func next() async -> [KafkaMessage]? {
                await buffer.next()?.takeMessages()
            }
        }
    }
}
