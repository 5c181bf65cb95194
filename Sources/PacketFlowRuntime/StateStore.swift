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
/// fetch (`fetch.wait.max.ms`, 5 ms here). ``get(_:)`` reads the cache and never waits.
///
/// ``update(_:_:)`` is the read-modify-write that stays right when several workers or both
/// stages of a bond change one key: the record it writes names the changelog offset of the
/// value it was computed from (header `pf-state-base`), and every reader takes it only if that
/// is still the key's latest accepted write. All readers see a partition in one order, so they
/// agree on which writes count; the writer reads its own record back and, if another write got
/// in first, computes again from that one. Two stages adding 5,000 each end at 10,000.
///
/// The cache keeps, per key, the changelog offset of the value it holds, and takes a value only
/// from a later offset (a key's records share a partition, so offsets order its writes): the
/// reader catching up with this worker's own older writes never rolls a newer value back.
/// Thread-safe.
public final class StateStore: Sendable {
    /// The store's name, also its changelog topic.
    public let name: String

    /// What the store knows of one key.
    private struct Entry {
        /// The newest value known (nil: deleted) and the changelog offset that wrote it.
        var value: [UInt8]?
        var offset: Int64
        /// The offset of the key's latest write the changelog accepted, in log order: what a
        /// conditional write must have been computed from to count. -1 before any is read.
        var accepted: Int64 = -1
    }

    /// The header naming the offset a conditional write was computed from (-1: no value).
    static let baseHeader = "pf-state-base"

    private let cache = Mutex<[String: Entry]>([:])
    private let updating = KeyedTurns()
    /// How far the reader got, and what became of the conditional writes it read.
    private let reading = Mutex(Reading())
    private struct Reading {
        /// Highest changelog offset read, per partition: a record at or below it is a repeat
        /// (the reader's group rebalanced and reads from the start again) and changes nothing.
        var applied: [Int32: Int64] = [:]
        /// Whether each recent conditional write counted, per partition and offset, until the
        /// update that wrote it takes the answer.
        var outcomes: [Int32: [Int64: Bool]] = [:]
        /// Updates waiting for the reader to reach their write.
        var waiting: [Int32: [Int64: CheckedContinuation<Bool, any Error>]] = [:]
        /// Why the reader stopped, once it has: later updates fail with it at once.
        var stopped: RuntimeError?
    }
    /// Outcomes kept per partition for writes no update asked about (other workers' writes).
    private static let outcomesKept: Int64 = 10_000
    private let producer: KafkaProducer
    private let consumer: KafkaConsumer
    private let bootstrapServers: String
    private let logger: Logger

    /// Opens the store `name` on the cluster at `bootstrapServers`.
    ///
    /// Call ``run()`` (the worker does) to follow the changelog. The store writes with a
    /// producer of its own that sends at once (no linger): a handler waits for each write.
    /// Throws `KafkaError` for a configuration librdkafka rejects.
    init(
        name: String, bootstrapServers: String, consumerProperties: [String: String], producerProperties: [String: String],
        logger: Logger
    ) throws {
        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: bootstrapServers,
            groupID: "\(name).reader.\(UUID().uuidString.prefix(8).lowercased())")
        configuration.offsetReset = .earliest
        configuration.autoCommit = false
        // An update waits to read its own write back: short fetches keep that wait short.
        configuration.fetchWaitMax = .milliseconds(5)
        configuration.fillsBatches = false
        configuration.sessionTimeout = .seconds(6)
        configuration.clientID = "packetflow-state"
        configuration.properties = consumerProperties
        var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: bootstrapServers)
        producerConfiguration.clientID = "packetflow-state"
        producerConfiguration.linger = .zero
        producerConfiguration.properties = producerProperties
        self.name = name
        self.producer = try KafkaProducer(configuration: producerConfiguration, logger: logger)
        self.consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        self.bootstrapServers = bootstrapServers
        self.logger = logger
    }

    /// The value stored for `key`, from the local cache.
    public func get(_ key: String) -> [UInt8]? {
        cache.withLock { $0[key]?.value }
    }

    /// Stores `value` for `key`: written to the changelog, visible locally on return. The
    /// last write wins; a value computed from the one read belongs in ``update(_:_:)``.
    ///
    /// Throws ``RuntimeError`` (`kafkaFailed`) when the broker does not acknowledge the write.
    public func put(_ key: String, _ value: [UInt8]) async throws {
        let offset = try await write(key, value).offset
        apply(key, value, offset: offset)
    }

    /// Removes `key`: a tombstone in the changelog, gone locally on return.
    public func delete(_ key: String) async throws {
        let offset = try await write(key, nil).offset
        apply(key, nil, offset: offset)
    }

    /// Replaces the value of `key` by `transform` of it, atomically across every worker of
    /// every stage sharing the store: should another write of the key come first, `transform`
    /// runs again on that one's value. Returns the value stored (nil: deleted).
    ///
    /// Costs a write and reading it back (a few milliseconds); `transform` may run more than
    /// once, so it must not have effects of its own. Throws ``RuntimeError`` (`kafkaFailed`)
    /// when the write is not acknowledged, and (`stateConflict`) after `maxAttempts` lost races.
    public func update(
        _ key: String, maxAttempts: Int = 1_000, _ transform: ([UInt8]?) throws -> [UInt8]?
    ) async throws -> [UInt8]? {
        // This worker's updates of one key take turns: racing each other, all but one of them
        // would lose every round.
        await updating.lock(key)
        defer { updating.unlock(key) }
        for _ in 0..<max(1, maxAttempts) {
            let (current, base) = cache.withLock { cache in (cache[key]?.value, cache[key]?.accepted ?? -1) }
            let value = try transform(current)
            let written = try await write(key, value, base: base)
            if try await outcome(of: written) { return value }
        }
        throw RuntimeError(.stateConflict, "key \(key) of state store \(name) changed under \(maxAttempts) updates in a row")
    }

    private func write(_ key: String, _ value: [UInt8]?, base: Int64? = nil) async throws -> KafkaDeliveryReport {
        let headers = base.map { [KafkaHeader(key: Self.baseHeader, value: String($0))] } ?? []
        do {
            return try await producer.send(KafkaProducerMessage(topic: name, key: Array(key.utf8), value: value, headers: headers))
        } catch {
            throw RuntimeError(.kafkaFailed, "cannot write key \(key) of state store \(name): \(error)")
        }
    }

    /// Takes this worker's own unconditional write of `value` for `key` at once, unless the
    /// cache already holds a later write of it.
    private func apply(_ key: String, _ value: [UInt8]?, offset: Int64) {
        cache.withLock { cache in
            if let held = cache[key], held.offset > offset { return }
            cache[key, default: Entry(value: value, offset: offset)].value = value
            cache[key]!.offset = offset
        }
    }

    /// Takes a changelog record read in log order, and says whether it counts: an unconditional
    /// write always does, a conditional one only if computed from the key's latest accepted
    /// write (or if it is the first record of the key read, as after compaction).
    private func accept(_ key: String, _ value: [UInt8]?, offset: Int64, base: Int64?) -> Bool {
        cache.withLock { cache in
            if let base, let entry = cache[key], entry.accepted >= 0, entry.accepted != base { return false }
            var entry = cache[key] ?? Entry(value: value, offset: offset)
            entry.accepted = offset
            if entry.offset <= offset {
                entry.value = value
                entry.offset = offset
            }
            cache[key] = entry
            return true
        }
    }

    /// Follows the changelog into the cache until the consumer is closed by ``close()``.
    func run() async throws {
        defer { failWaiters(RuntimeError(.kafkaFailed, "state store \(name) stopped reading its changelog")) }
        try consumer.subscribe(topics: [name])
        for await message in consumer.messages {
            let (partition, offset) = (message.partition, message.offset)
            guard reading.withLock({ offset > ($0.applied[partition] ?? -1) }) else { continue }
            let base = message.headers.last { $0.key == Self.baseHeader }.flatMap { Int64(String(decoding: $0.value ?? [], as: UTF8.self)) }
            let counted = accept(String(decoding: message.key ?? [], as: UTF8.self), message.value, offset: offset, base: base)
            let waiter = reading.withLock { reading -> CheckedContinuation<Bool, any Error>? in
                reading.applied[partition] = offset
                if let waiter = reading.waiting[partition]?.removeValue(forKey: offset) { return waiter }
                if base != nil {
                    reading.outcomes[partition, default: [:]][offset] = counted
                    // Pruned to the newest `outcomesKept` offsets once twice as many piled up:
                    // one pass per many records, not one per record.
                    if reading.outcomes[partition]!.count > 2 * Int(Self.outcomesKept) {
                        reading.outcomes[partition] = reading.outcomes[partition]!.filter { $0.key > offset - Self.outcomesKept }
                    }
                }
                return nil
            }
            waiter?.resume(returning: counted)
        }
    }

    /// Whether the conditional write `written` counted, once the reader has read it.
    private func outcome(of written: KafkaDeliveryReport) async throws -> Bool {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Bool, any Error>) in
            let known = reading.withLock { reading -> Result<Bool, RuntimeError>? in
                if let counted = reading.outcomes[written.partition]?.removeValue(forKey: written.offset) { return .success(counted) }
                if let stopped = reading.stopped { return .failure(stopped) }
                if (reading.applied[written.partition] ?? -1) >= written.offset {
                    return .failure(RuntimeError(.stateConflict, "write \(written.offset) of state store \(name) read before its update asked"))
                }
                reading.waiting[written.partition, default: [:]][written.offset] = continuation
                return nil
            }
            if let known { continuation.resume(with: known) }
        }
    }

    private func failWaiters(_ error: RuntimeError) {
        let waiting = reading.withLock { reading in
            defer { reading.waiting.removeAll() }
            reading.stopped = error
            return reading.waiting.values.flatMap(\.values)
        }
        for waiter in waiting { waiter.resume(throwing: error) }
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
            let done = reading.withLock { reading in ends.allSatisfy { (reading.applied[$0.partition] ?? -1) >= $0.high - 1 } }
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
        await producer.close()
    }
}

/// Turns per key: one holder at a time, the others waiting in arrival order.
private final class KeyedTurns: Sendable {
    private let waiting = Mutex<[String: [CheckedContinuation<Void, Never>]]>([:])

    func lock(_ key: String) async {
        await withCheckedContinuation { continuation in
            let free = waiting.withLock { waiting -> Bool in
                guard waiting[key] != nil else {
                    waiting[key] = []
                    return true
                }
                waiting[key]!.append(continuation)
                return false
            }
            if free { continuation.resume() }
        }
    }

    func unlock(_ key: String) {
        let next = waiting.withLock { waiting -> CheckedContinuation<Void, Never>? in
            guard var queue = waiting[key], !queue.isEmpty else {
                waiting[key] = nil
                return nil
            }
            let next = queue.removeFirst()
            waiting[key] = queue
            return next
        }
        next?.resume()
    }
}
