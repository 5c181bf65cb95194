import Logging
import PacketFlowCore
import PacketFlowKafka
import PacketFlowWire
import ServiceLifecycle

/// Runs a connector: consumes its topic in its group and hands each batch to a ``ConnectorSink``.
///
/// A batch's offsets are stored only after the sink has written it and its rejects are in the
/// dead-letter topic (with `pf-dlq-reason`, `pf-dlq-stage: connector.<name>`, see
/// ``DeadLetter``), and committed every second: a crash redelivers at most what was being
/// written. A rebalance that moves a partition mid-batch does not stop the connector. While
/// the sink waits for its destination, nothing further is read, so the lag shows the outage.
///
/// A `Service`: graceful shutdown stops reading, commits what was written, leaves the group and
/// closes the sink. A batch interrupted then is read again next time.
public final class ConnectorRunner: Service, Sendable {
    private let configuration: ConnectorConfiguration
    private let sink: any ConnectorSink
    private let logger: Logger

    /// A runner for `sink`; nothing connects before ``run()``.
    public init(configuration: ConnectorConfiguration, sink: any ConnectorSink, logger: Logger) {
        self.configuration = configuration
        self.sink = sink
        self.logger = logger
    }

    /// Prepares the sink, then consumes until graceful shutdown or cancellation.
    ///
    /// Throws what the sink throws (its destination refuses for good) and `KafkaError` when the
    /// clients cannot be created.
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
                try await sink.prepare()
                logger.info("connector started", metadata: ["connector": "\(configuration.name)", "topic": "\(configuration.topic)"])
                try consumer.subscribe(topics: [configuration.topic])
                for await batch in consumer.batches {
                    try await write(batch.map(PacketRecord.init(consumed:)), deadLetters: deadLetters)
                    await store(batch.commitPositions, consumer: consumer)
                }
            }
        } catch is CancellationError where Task.isShuttingDownGracefully {
            // A write cut short by the shutdown: its batch was not stored and is read again.
            logger.debug("write interrupted by shutdown", metadata: ["connector": "\(configuration.name)"])
        } catch {
            await shutDown(consumer: consumer, deadLetters: deadLetters)
            throw error
        }
        await shutDown(consumer: consumer, deadLetters: deadLetters)
    }

    /// Stores what a batch wrote for the next commit. A partition revoked while the batch was
    /// written refuses its position: its progress is committed directly instead (where ahead of
    /// the group), so its next owner does not write it again; failing that, it does.
    private func store(_ positions: [KafkaTopicPartition: Int64], consumer: KafkaConsumer) async {
        do {
            try consumer.store(positions: positions)
        } catch {
            do {
                try await consumer.commit(aheadOnly: positions)
            } catch {
                logger.info(
                    "a partition moved while its batch was written; its next owner writes the batch again",
                    metadata: ["error": "\(error)"])
            }
        }
    }

    private func write(_ records: [PacketRecord], deadLetters: KafkaProducer) async throws {
        for rejection in try await sink.write(records) {
            let record = records[rejection.index]
            let attempt = record.headers.last { $0.name == PacketWireFormat.Header.attempt }?.text.flatMap(Int.init) ?? 1
            let letter = DeadLetter.record(
                for: record, topic: configuration.deadLetterTopic, reason: rejection.reason,
                molecule: configuration.molecule, stage: configuration.stageName, attempt: attempt)
            _ = try await deadLetters.send(letter.producerMessage)
            logger.warning(
                "packet dead-lettered",
                metadata: ["source": "\(record.topic)[\(record.partition)]@\(record.offset)", "reason": "\(rejection.reason)"])
        }
    }

    /// Commits what was written, leaves the group, and closes the sink.
    private func shutDown(consumer: KafkaConsumer, deadLetters: KafkaProducer) async {
        try? await consumer.commit()
        try? await consumer.close()
        await deadLetters.close()
        await sink.close()
        logger.info("connector stopped: \(sink.summary)", metadata: ["connector": "\(configuration.name)"])
    }
}
