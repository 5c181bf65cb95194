import Logging
import PacketFlowKafka

/// The registry of deployed molecules kept in a compacted Kafka topic.
///
/// Key: the molecule name; value: ``DeployedMolecule`` as JSON; a tombstone (no value) means
/// undeployed. ``load()`` reads the topic from its start to the high watermark it had when
/// the call began, the last record per key winning, so the result is the same whether or not
/// the cluster has compacted the topic yet (the embedded broker never compacts). One partition
/// keeps every record in order. Thread-safe.
public struct KafkaMoleculeRegistry: MoleculeRegistryStorage {
    /// The default registry topic.
    public static let defaultTopic = "__packetflow.registry"

    /// The cluster's bootstrap address.
    public var bootstrapServers: String { connection.bootstrapServers }
    /// The registry topic. Default: ``defaultTopic``.
    public var topic: String { connection.name }
    /// Longest time ``load()`` waits to read the topic to its end. Default: 60 s.
    public var loadTimeout: Duration = .seconds(60)
    private let connection: ReactorTopic
    private var properties: [String: String] { connection.properties }
    private var producer: KafkaProducer { connection.producer }
    private var logger: Logger { connection.logger }

    /// Makes sure the topic exists (one partition; on a real cluster it is created with
    /// `cleanup.policy=compact` and `replicationFactor` replicas) and opens a producer.
    /// Throws ``ReactorError`` (`registryFailed`).
    public static func open(
        bootstrapServers: String, topic: String = defaultTopic, properties: [String: String] = [:],
        replicationFactor: Int = 1, logger: Logger
    ) async throws -> KafkaMoleculeRegistry {
        do {
            return KafkaMoleculeRegistry(
                connection: try await ReactorTopic.open(
                    bootstrapServers: bootstrapServers, name: topic, properties: properties,
                    replicationFactor: replicationFactor, configs: ["cleanup.policy": "compact"],
                    clientID: "packetflow-reactor-registry", logger: logger))
        } catch {
            throw ReactorError(.registryFailed, "cannot open the registry topic \(topic) at \(bootstrapServers): \(error)")
        }
    }

    private init(connection: ReactorTopic) {
        self.connection = connection
    }

    public func load() async throws -> [String: DeployedMolecule] {
        let admin = try KafkaTopicAdmin(bootstrapServers: bootstrapServers, properties: properties)
        let marks = try await admin.watermarks(topic: topic)
        let remaining = Dictionary(uniqueKeysWithValues: marks.filter { $0.high > $0.low }.map { ($0.partition, $0.high) })
        guard !remaining.isEmpty else { return [:] }
        // A group of its own that never commits: every load reads from the start.
        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: bootstrapServers, groupID: "packetflow-reactor-registry-\(UInt64.random(in: 0...UInt64.max))")
        configuration.autoCommit = false
        configuration.offsetReset = .earliest
        configuration.sessionTimeout = .seconds(6)
        configuration.fetchWaitMax = .milliseconds(20)
        configuration.properties = properties
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        try consumer.subscribe(topics: [topic])
        let deadline = ContinuousClock.now + loadTimeout
        let ends = remaining
        // A watchdog stops the reader at the deadline: a registry that cannot be read fails the
        // start instead of leaving the reactor unready forever.
        let (read, complete) = await withTaskGroup(of: ([String: DeployedMolecule], Bool)?.self) { group in
            group.addTask {
                var remaining = ends
                var molecules: [String: DeployedMolecule] = [:]
                // A cancelled reader gets nil from the consumer, which ends the loop.
                for await message in consumer.messages {
                    if let end = remaining[message.partition], message.offset < end {
                        apply(message, to: &molecules)
                        if message.offset + 1 >= end { remaining[message.partition] = nil }
                    }
                    if remaining.isEmpty { break }
                }
                return (molecules, remaining.isEmpty)
            }
            group.addTask {
                try? await Task.sleep(until: deadline)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            if let first { return first }
            return await group.next().flatMap { $0 } ?? ([:], false)
        }
        try? await consumer.close()
        guard complete else {
            throw ReactorError(.registryFailed, "cannot read the registry topic \(topic) to its end within \(loadTimeout)")
        }
        return read
    }

    private func apply(_ message: KafkaMessage, to molecules: inout [String: DeployedMolecule]) {
        guard let key = message.key.map({ String(decoding: $0, as: UTF8.self) }) else { return }
        guard let value = message.value, !value.isEmpty else {
            molecules[key] = nil
            return
        }
        do {
            molecules[key] = try DeployedMolecule.decode(value)
        } catch {
            logger.warning("skipping an unreadable registry record", metadata: ["molecule": "\(key)", "error": "\(error)"])
        }
    }

    public func write(_ molecule: DeployedMolecule) async throws {
        try await send(key: molecule.name, value: try molecule.encoded())
    }

    public func remove(_ name: String) async throws {
        try await send(key: name, value: nil)
    }

    private func send(key: String, value: [UInt8]?) async throws {
        do {
            _ = try await producer.send(KafkaProducerMessage(topic: topic, key: Array(key.utf8), value: value))
        } catch {
            throw ReactorError(.registryFailed, "cannot write \(key) to the registry topic \(topic): \(error)")
        }
    }
}
