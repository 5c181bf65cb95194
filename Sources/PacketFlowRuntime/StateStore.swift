import Foundation
import Logging
import PacketFlowKafka
import Synchronization

/// The shared state of a metallic bond: a key-value store kept in a compacted topic, with a
/// local cache in every worker.
///
/// ``put(_:_:)`` and ``delete(_:)`` write the changelog topic (named after the store) and
/// return once the broker acknowledged the write; the local cache changes at the same time, so
/// a stage reads its own writes at once. Every worker also reads the changelog from the start
/// in a consumer group of its own, so writes of the other stage of the bond show up after a
/// fetch (`fetch.wait.max.ms`, 20 ms here). ``get(_:)`` reads the cache and never waits.
/// Thread-safe.
public final class StateStore: Sendable {
    /// The store's name, also its changelog topic.
    public let name: String

    private let cache = Mutex<[String: [UInt8]]>([:])
    /// Highest changelog offset applied, per partition.
    private let applied = Mutex<[Int32: Int64]>([:])
    private let producer: KafkaProducer
    private let consumer: KafkaConsumer
    private let bootstrapServers: String
    private let logger: Logger

    /// Opens the store `name` on the cluster at `bootstrapServers`.
    ///
    /// Call ``run()`` (the worker does) to follow the changelog; the producer is shared with
    /// the stage. Throws `KafkaError` for a configuration librdkafka rejects.
    init(name: String, bootstrapServers: String, producer: KafkaProducer, properties: [String: String], logger: Logger) throws {
        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: bootstrapServers,
            groupID: "\(name).reader.\(UUID().uuidString.prefix(8).lowercased())")
        configuration.offsetReset = .earliest
        configuration.autoCommit = false
        configuration.fetchWaitMax = .milliseconds(20)
        configuration.sessionTimeout = .seconds(6)
        configuration.clientID = "packetflow-state"
        configuration.properties = properties
        self.name = name
        self.producer = producer
        self.consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        self.bootstrapServers = bootstrapServers
        self.logger = logger
    }

    /// The value stored for `key`, from the local cache.
    public func get(_ key: String) -> [UInt8]? {
        cache.withLock { $0[key] }
    }

    /// Stores `value` for `key`: written to the changelog, visible locally on return.
    ///
    /// Throws ``RuntimeError`` (`kafkaFailed`) when the broker does not acknowledge the write.
    public func put(_ key: String, _ value: [UInt8]) async throws {
        try await write(key, value)
        cache.withLock { $0[key] = value }
    }

    /// Removes `key`: a tombstone in the changelog, gone locally on return.
    public func delete(_ key: String) async throws {
        try await write(key, nil)
        cache.withLock { _ = $0.removeValue(forKey: key) }
    }

    private func write(_ key: String, _ value: [UInt8]?) async throws {
        do {
            _ = try await producer.send(KafkaProducerMessage(topic: name, key: Array(key.utf8), value: value))
        } catch {
            throw RuntimeError(.kafkaFailed, "cannot write key \(key) of state store \(name): \(error)")
        }
    }

    /// Follows the changelog into the cache until the consumer is closed by ``close()``.
    func run() async throws {
        try consumer.subscribe(topics: [name])
        for await message in consumer.messages {
            let key = String(decoding: message.key ?? [], as: UTF8.self)
            cache.withLock { cache in
                if let value = message.value { cache[key] = value } else { cache[key] = nil }
            }
            applied.withLock { $0[message.partition] = message.offset }
        }
    }

    /// Waits until the cache holds every write acknowledged before the call, or `timeout` passes.
    ///
    /// The worker calls it before the first packet, so handlers start from the stored state.
    func waitUntilLoaded(timeout: Duration) async throws {
        let admin = try KafkaTopicAdmin(bootstrapServers: bootstrapServers)
        let ends = try await admin.watermarks(topic: name).filter { $0.high > $0.low }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let done = applied.withLock { applied in ends.allSatisfy { (applied[$0.partition] ?? -1) >= $0.high - 1 } }
            if done { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        logger.warning("state store \(name) not fully loaded after \(timeout); starting with what arrived")
    }

    /// Stops following the changelog.
    func close() async {
        do {
            try await consumer.close()
        } catch {
            logger.debug("state store reader did not leave its group cleanly: \(error)")
        }
    }
}
