import Logging
import PacketFlowCore
import PacketFlowKafka
import PacketFlowRuntime
import ServiceLifecycle
import Synchronization

/// A molecule's PostgreSQL connector: consumes its topic and upserts every packet into a table.
///
/// Each consumed batch is turned into rows (see ``PostgresColumnMapping``) and written by a
/// ``PostgresTableWriter`` in statements of up to `maxBatchRows`; only then are its offsets
/// stored, so a crash at any point redelivers packets the table may already hold, and the
/// upsert on the packet id drops them (counted as duplicates). Packets that can never be
/// written (the server refuses the row, no `pf-id`, invalid JSON) go to the molecule's
/// dead-letter topic with the reason in `pf-dlq-reason` before their offsets are stored.
/// While the database is unreachable the sink waits and retries the same batch, reading no
/// further, so an outage loses nothing and dead-letters nothing.
///
/// A `Service`: graceful shutdown stops reading, commits what was written and leaves the
/// group; a batch interrupted while waiting for the database is read again next time.
public final class PostgresSink: Service, Sendable {
    private let configuration: PostgresSinkConfiguration
    private let logger: Logger
    private let writer: PostgresTableWriter
    private let tally = Mutex(PostgresSinkCounts())

    /// A sink for `configuration`; nothing connects before ``run()``.
    public init(configuration: PostgresSinkConfiguration, logger: Logger = Logger(label: "packetflow.postgres")) {
        self.configuration = configuration
        self.logger = logger
        self.writer = PostgresTableWriter(configuration: configuration, logger: logger)
    }

    /// What the sink has done so far.
    public var counts: PostgresSinkCounts { tally.withLock { $0 } }

    /// Connects to PostgreSQL (waiting for it), then consumes until graceful shutdown or cancellation.
    ///
    /// Throws ``PostgresSinkError`` when the table cannot be written at all (missing table or
    /// column, permissions), and `KafkaError` when the clients cannot be created.
    public func run() async throws {
        var consumerConfiguration = KafkaConsumerConfiguration(
            bootstrapServers: configuration.bootstrapServers, groupID: configuration.groupID)
        consumerConfiguration.autoOffsetStore = false
        consumerConfiguration.autoCommitInterval = .seconds(1)
        consumerConfiguration.properties = configuration.kafkaProperties
        var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: configuration.bootstrapServers)
        producerConfiguration.properties = configuration.kafkaProperties
        let consumer = try KafkaConsumer(configuration: consumerConfiguration, logger: logger)
        let deadLetters = try KafkaProducer(configuration: producerConfiguration, logger: logger)

        do {
            try await cancelWhenGracefulShutdown { [self] in
                try await writer.prepare()
                logger.info(
                    "postgres sink started",
                    metadata: ["topic": "\(configuration.topic)", "table": "\(configuration.table)", "server": "\(configuration.url)"])
                try consumer.subscribe(topics: [configuration.topic])
                for await batch in consumer.batches {
                    let records = batch.map(PacketRecord.init(consumed:))
                    try await write(records, deadLetters: deadLetters)
                    try consumer.storeOffsets(of: batch)
                }
            }
        } catch {
            await shutDown(consumer: consumer, deadLetters: deadLetters)
            throw error
        }
        await shutDown(consumer: consumer, deadLetters: deadLetters)
    }

    /// Commits what was written, leaves the group, and closes the connections.
    private func shutDown(consumer: KafkaConsumer, deadLetters: KafkaProducer) async {
        try? await consumer.commit()
        try? await consumer.close()
        await deadLetters.close()
        await writer.close()
        logger.info("postgres sink stopped: \(counts)", metadata: ["topic": "\(configuration.topic)"])
    }

    /// Writes one consumed batch: rows to the table, the rest to the dead-letter topic.
    private func write(_ records: [PacketRecord], deadLetters: KafkaProducer) async throws {
        var rows: [PostgresSinkRow] = []
        var rowRecords: [PacketRecord] = []
        var refused: [(PacketRecord, PostgresRowRejection)] = []
        rows.reserveCapacity(records.count)
        for record in records {
            switch PostgresSinkRow.make(from: record, mappings: configuration.columns) {
            case .success(let row):
                rows.append(row)
                rowRecords.append(record)
            case .failure(let rejection):
                refused.append((record, rejection))
            }
        }
        let result = try await writer.write(rows)
        refused += result.rejected.map { (rowRecords[$0.index], $0.rejection) }
        for (record, rejection) in refused {
            let letter = DeadLetter.record(
                for: record, topic: configuration.deadLetterTopic, reason: rejection.reason,
                molecule: configuration.molecule, stage: configuration.stageName,
                attempt: Self.attempt(of: record))
            _ = try await deadLetters.send(letter.producerMessage)
            logger.warning(
                "packet dead-lettered",
                metadata: ["source": "\(record.topic)[\(record.partition)]@\(record.offset)", "reason": "\(rejection.reason)"])
        }
        tally.withLock { counts in
            counts.received += records.count
            counts.inserted += result.inserted
            counts.duplicates += result.duplicates
            counts.deadLettered += refused.count
        }
    }

    private static func attempt(of record: PacketRecord) -> Int {
        let text = record.headers.last(where: { $0.name == PacketWireFormat.Header.attempt })?.text
        return text.flatMap(Int.init) ?? 1
    }
}
