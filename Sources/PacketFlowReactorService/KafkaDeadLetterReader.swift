import Logging
import PacketFlowCore
import PacketFlowKafka
import Synchronization

/// Counts the records of dead-letter topics per stage, from their `pf-dlq-stage` header.
///
/// ``follow()`` reads every topic ``counts(topic:watermarks:)`` was asked about, from its
/// start, in a consumer group of its own that never commits; a topic asked about for the first
/// time joins the subscription within half a second. Each record is counted once even when a
/// rebalance delivers it again (the reader remembers the next offset per partition).
/// Thread-safe.
final class KafkaDeadLetterReader: Sendable {
    private struct Tally {
        var wanted: Set<String> = []
        var byStage: [String: [String: Int64]] = [:]
        var nextOffset: [String: [Int32: Int64]] = [:]
        var caughtUp: Set<String> = []
    }

    private let bootstrapServers: String
    private let properties: [String: String]
    private let logger: Logger
    private let tally = Mutex(Tally())

    /// A reader of the cluster at `bootstrapServers`; nothing is read before ``follow()``.
    init(bootstrapServers: String, properties: [String: String], logger: Logger) {
        self.bootstrapServers = bootstrapServers
        self.properties = properties
        self.logger = logger
    }

    /// The counts of `topic` so far, given its current watermarks; asks ``follow()`` to read it.
    func counts(topic: String, watermarks: [KafkaPartitionWatermarks]) -> DeadLetterCounts {
        tally.withLock { tally in
            tally.wanted.insert(topic)
            let next = tally.nextOffset[topic] ?? [:]
            if watermarks.allSatisfy({ (next[$0.partition] ?? $0.low) >= $0.high }) { tally.caughtUp.insert(topic) }
            return DeadLetterCounts(
                records: watermarks.reduce(0) { $0 + max(0, $1.high - $1.low) }, byStage: tally.byStage[topic] ?? [:],
                isComplete: tally.caughtUp.contains(topic))
        }
    }

    /// Reads the wanted topics until the task is cancelled.
    func follow() async throws {
        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: bootstrapServers,
            groupID: "packetflow-reactor-dead-letters-\(UInt64.random(in: 0...UInt64.max))")
        configuration.clientID = "packetflow-reactor-dead-letters"
        configuration.offsetReset = .earliest
        configuration.autoCommit = false
        configuration.sessionTimeout = .seconds(6)
        configuration.fetchWaitMax = .milliseconds(100)
        configuration.properties = properties
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        do {
            try await read(with: consumer)
        } catch {
            try? await consumer.close()
            throw error
        }
        try? await consumer.close()
    }

    private func read(with consumer: KafkaConsumer) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                // A cancelled reader gets nil from the consumer, which ends the loop.
                for await message in consumer.messages { count(message) }
            }
            group.addTask { [self] in
                var subscribed: Set<String> = []
                while !Task.isCancelled {
                    let wanted = tally.withLock { $0.wanted }
                    if wanted != subscribed {
                        try consumer.subscribe(topics: wanted.sorted())
                        subscribed = wanted
                    }
                    try await Task.sleep(for: .milliseconds(500))
                }
            }
            try await group.waitForAll()
        }
    }

    private func count(_ message: KafkaMessage) {
        let stage = message.headers.last { $0.key == DeadLetterHeader.stage }?.value.map { String(decoding: $0, as: UTF8.self) } ?? ""
        tally.withLock { tally in
            let next = tally.nextOffset[message.topic]?[message.partition] ?? 0
            guard message.offset >= next else { return }
            tally.nextOffset[message.topic, default: [:]][message.partition] = message.offset + 1
            tally.byStage[message.topic, default: [:]][stage, default: 0] += 1
        }
    }
}
