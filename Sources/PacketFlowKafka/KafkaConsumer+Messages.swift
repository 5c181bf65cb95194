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
            var batch: ConsumedBatch?
            var index = 0

            /// The next record, or `nil` once the consumer is closed and drained.
            public mutating func next() async -> KafkaMessage? {
                if batch == nil || index == batch!.count {
                    // Release the finished batch first: its librdkafka messages go with it.
                    batch = nil
                    guard let next = await buffer.next() else { return nil }
                    batch = next
                    index = 0
                }
                defer { index += 1 }
                return batch!.message(at: index)
            }
        }
    }

    /// An `AsyncSequence` of a consumer's records in fetched batches, each non-empty.
    public struct Batches: AsyncSequence, Sendable {
        public typealias Element = Batch
        let buffer: ConsumerBuffer<ConsumedBatch>

        /// Creates the iterator.
        public func makeAsyncIterator() -> Iterator { Iterator(buffer: buffer) }

        /// Takes one fetched batch at a time.
        public struct Iterator: AsyncIteratorProtocol {
            let buffer: ConsumerBuffer<ConsumedBatch>

            /// The next batch, or `nil` once the consumer is closed and drained.
            public mutating func next() async -> Batch? {
                await buffer.next().map(Batch.init)
            }
        }
    }

    /// One fetched batch of records, decoded into `KafkaMessage` values as they are read.
    ///
    /// Iterate it once for speed: each access copies the record out of librdkafka's memory
    /// anew, so a record is allocated, used and freed before the next. The batch holds
    /// librdkafka's memory until it goes. Tasks may share a batch, but each record must be
    /// read by one task at a time: librdkafka parses a record's headers on first access,
    /// unsynchronised (`@unchecked Sendable` for that reason).
    public struct Batch: RandomAccessCollection, @unchecked Sendable {
        let storage: ConsumedBatch

        /// Always 0.
        public var startIndex: Int { 0 }
        /// The number of records.
        public var endIndex: Int { storage.count }

        /// The record at `position`, copied out of librdkafka's memory.
        public subscript(position: Int) -> KafkaMessage {
            storage.message(at: position)
        }

        /// Where the record at `position` sits, without reading it.
        public func position(at position: Int) -> (topic: String, partition: Int32, offset: Int64) {
            storage.position(at: position)
        }

        /// The commit position (the next offset to read) of each partition with records here.
        public var commitPositions: [KafkaTopicPartition: Int64] {
            KafkaConsumer.commitPositions(indices.lazy.map(storage.position(at:)))
        }

        /// Calls `body` with every record read in place, without copying (see `KafkaRecordView`).
        public func forEachRecord(_ body: (KafkaRecordView) throws -> Void) rethrows {
            for index in indices {
                try withRecord(at: index, body)
            }
        }

        /// Calls `body` with the record at `position` read in place, without copying (see
        /// `KafkaRecordView`), and returns its result.
        public func withRecord<Result>(at position: Int, _ body: (KafkaRecordView) throws -> Result) rethrows -> Result {
            defer { storage.releaseHeaders(at: position) }
            return try body(storage.view(at: position))
        }
    }
}
