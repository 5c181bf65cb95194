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
///
/// The cache keeps, per key, the changelog offset of the value it holds, and takes a value only
/// from a later offset (a key's records share a partition, so offsets order its writes): the
/// reader catching up with this worker's own older writes never rolls a newer value back.
/// Thread-safe.
public final class StateStore: Sendable {
    /// The store's name, also its changelog topic.
    public let name: String

    /// Per key, the newest value known (nil: deleted) and the changelog offset that wrote it.
    private let cache = Mutex<[String: (value: [UInt8]?, offset: Int64)]>([:])
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
        cache.withLock { $0[key]?.value }
    }

    /// Stores `value` for `key`: written to the changelog, visible locally on return.
    ///
    /// Throws ``RuntimeError`` (`kafkaFailed`) when the broker does not acknowledge the write.
    public func put(_ key: String, _ value: [UInt8]) async throws {
        let offset = try await write(key, value)
        apply(key, value, offset: offset)
    }

    /// Removes `key`: a tombstone in the changelog, gone locally on return.
    public func delete(_ key: String) async throws {
        let offset = try await write(key, nil)
        apply(key, nil, offset: offset)
    }

    private func write(_ key: String, _ value: [UInt8]?) async throws -> Int64 {
        do {
            return try await producer.send(KafkaProducerMessage(topic: name, key: Array(key.utf8), value: value)).offset
        } catch {
            throw RuntimeError(.kafkaFailed, "cannot write key \(key) of state store \(name): \(error)")
        }
    }

    /// Takes `value` for `key` unless the cache already holds a later write of it.
    private func apply(_ key: String, _ value: [UInt8]?, offset: Int64) {
        cache.withLock { cache in
            if let held = cache[key], held.offset > offset { return }
            cache[key] = (value, offset)
        }
    }

    /// Follows the changelog into the cache until the consumer is closed by ``close()``.
    func run() async throws {
        try consumer.subscribe(topics: [name])
        for await message in consumer.messages {
            apply(String(decoding: message.key ?? [], as: UTF8.self), message.value, offset: message.offset)
            applied.withLock { $0[message.partition] = message.offset }
        }
    }

    /// Waits until the cache holds every write acknowledged before the call; throws
    /// ``RuntimeError`` (`kafkaFailed`) after `timeout`.
    ///
    /// The worker calls it before the first packet, so handlers start from the stored state; a
    /// worker that cannot load it does not process (a put computed from a partial cache would
    /// overwrite the stored value).
    func waitUntilLoaded(timeout: Duration) async throws {
        let admin = try KafkaTopicAdmin(bootstrapServers: bootstrapServers)
        let ends = try await admin.watermarks(topic: name).filter { $0.high > $0.low }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let done = applied.withLock { applied in ends.allSatisfy { (applied[$0.partition] ?? -1) >= $0.high - 1 } }
            if done { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw RuntimeError(.kafkaFailed, "state store \(name) not loaded after \(timeout): its changelog could not be read to the end")
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
