import Foundation
import Logging
import PacketFlow
import PacketFlowBroker
import PacketFlowKafka
import PacketFlowLanguage
import PacketFlowTestSupport
import ServiceLifecycle
import Synchronization

/// The embedded cluster with its topic-request service, running in this test process.
///
/// `body` gets the brokers' bootstrap list; topic requests from other processes (a worker
/// child) work, as with `packetflow broker`.
func withEmbeddedBroker<T: Sendable>(_ body: (String) async throws -> T) async throws -> T {
    let logger = Logger(label: "test.broker") { _ in SwiftLogNoOpLogHandler() }
    let cluster = try await EmbeddedClusterService.start(brokers: 1, logger: logger)
    let group = ServiceGroup(services: [cluster], logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        defer { tasks.cancelAll() }
        do {
            let result = try await body(cluster.bootstrapServers)
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            return result
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
    }
}

/// Creates every topic of `plan` (and the control topic) with its partitions.
func provision(_ plan: TopologyPlan, bootstrap: String, extra: [TopicSpec] = []) async throws {
    let specs = try plan.topics.map { try TopicSpec(name: $0.name, partitions: $0.partitions) } + extra
    try await TopicProvisioner(bootstrapServers: bootstrap, timeout: .seconds(20)).ensureTopics(specs)
}

/// Plans the only molecule of `text`, renamed so each test owns its topics and groups.
func plan(_ text: String, molecule: String, uniqueAs name: String) throws -> TopologyPlan {
    let program = MoleculeProgram.parse(text.replacingOccurrences(of: "molecule \(molecule) ", with: "molecule \(name) "))
    return try program.plan()
}

/// Produces `packets` to `topic` and waits for every acknowledgement.
func publish(_ packets: [Packet], to topic: String, bootstrap: String) async throws {
    let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: bootstrap))
    for packet in packets {
        try await producer.enqueue(PacketWireFormat.record(for: packet, topic: topic).producerMessage)
    }
    try await producer.flush(timeout: .seconds(10))
    await producer.close()
}

/// Produces raw values (with optional headers) to `topic`.
func publishRaw(_ values: [(key: String?, value: String, headers: [KafkaHeader])], to topic: String, bootstrap: String) async throws {
    let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: bootstrap))
    for item in values {
        _ = try await producer.send(
            KafkaProducerMessage(topic: topic, key: item.key.map { Array($0.utf8) }, value: Array(item.value.utf8), headers: item.headers))
    }
    await producer.close()
}

/// Reads a topic from its start in a group of its own, collecting every record.
final class TopicReader: Sendable {
    let consumer: KafkaConsumer
    private let collected = LockedArray<KafkaMessage>()

    init(topic: String, bootstrap: String) throws {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: bootstrap, groupID: uniqueName("reader"))
        configuration.autoCommit = false
        configuration.fetchWaitMax = .milliseconds(10)
        configuration.sessionTimeout = .seconds(6)
        consumer = try KafkaConsumer(configuration: configuration)
        try consumer.subscribe(topics: [topic])
    }

    var messages: [KafkaMessage] { collected.values }

    /// Reads until `count` records arrived (fails after `limit`), then returns them all.
    func read(atLeast count: Int, within limit: Duration = .seconds(60)) async throws -> [KafkaMessage] {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                for await batch in consumer.batches {
                    collected.append(contentsOf: Array(batch))
                    if collected.count >= count { return }
                }
            }
            defer { group.cancelAll() }
            try await waitUntil("\(count) records", within: limit) { collected.count >= count }
            return collected.values
        }
    }

    func close() async { try? await consumer.close() }
}

/// An array behind a lock, for handlers and readers that run concurrently.
final class LockedArray<Element: Sendable>: Sendable {
    private let storage = Mutex<[Element]>([])
    func append(_ element: Element) { storage.withLock { $0.append(element) } }
    func append(contentsOf elements: [Element]) { storage.withLock { $0.append(contentsOf: elements) } }
    var values: [Element] { storage.withLock { $0 } }
    var count: Int { storage.withLock { $0.count } }
}

/// Runs `workers` in one service group around `body`, then shuts them down gracefully.
func withWorkers<T: Sendable>(_ workers: [StageWorker], _ body: () async throws -> T) async throws -> T {
    let logger = Logger(label: "test.workers") { _ in SwiftLogNoOpLogHandler() }
    let group = ServiceGroup(services: workers, logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        do {
            let result = try await body()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
    }
}

/// The package's root folder, for examples and fixtures.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

extension KafkaMessage {
    /// The header's text value.
    func header(_ name: String) -> String? {
        headers.last { $0.key == name }?.value.map { String(decoding: $0, as: UTF8.self) }
    }

    /// The value as text.
    var text: String { String(decoding: value ?? [], as: UTF8.self) }
}

/// A quiet logger for workers under test.
let quietLogger = Logger(label: "test.worker") { _ in SwiftLogNoOpLogHandler() }

/// The logger of in-process workers: quiet, or their debug log on stderr with
/// `PACKETFLOW_TEST_WORKER_LOG=1` (to see a test's rebalances and commits).
let workerLogger = ProcessInfo.processInfo.environment["PACKETFLOW_TEST_WORKER_LOG"] == nil
    ? quietLogger
    : Logger(label: "test.worker") { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = .debug
        return handler
    }

/// One worker per stage of `plan`, all in this process.
func makeWorkers(_ plan: TopologyPlan, bootstrap: String, handlers: HandlerRegistry, configure: (inout WorkerConfiguration) -> Void = { _ in }) throws -> [StageWorker] {
    var workers: [StageWorker] = []
    for stage in plan.stages {
        var configuration = WorkerConfiguration(plan: plan, stage: stage.name, bootstrapServers: bootstrap)
        configure(&configuration)
        workers.append(try StageWorker(configuration: configuration, handlers: handlers, logger: workerLogger))
    }
    return workers
}

/// Publishes `packets` to `input`, then reads `output` until as many records arrived.
func publishAndRead(_ packets: [Packet], to input: String, from output: String, bootstrap: String, expecting count: Int? = nil) async throws -> [KafkaMessage] {
    try await publish(packets, to: input, bootstrap: bootstrap)
    return try await readTopic(output, atLeast: count ?? packets.count, bootstrap: bootstrap)
}

/// Waits until `group` has committed every record of `topic` (lag 0).
func waitUntilCommitted(group: String, topic: String, bootstrap: String, within limit: Duration = .seconds(30)) async throws {
    let admin = try KafkaTopicAdmin(bootstrapServers: bootstrap)
    try await waitUntil("group \(group) to commit all of \(topic)", within: limit) {
        try await admin.lag(group: group, topic: topic).total == 0
    }
}

/// Whether `reader` has read every record `topic` holds now.
func readToEnd(_ reader: TopicReader, topic: String, bootstrap: String) async throws -> Bool {
    let total = try await KafkaTopicAdmin(bootstrapServers: bootstrap).watermarks(topic: topic).reduce(0) { $0 + $1.high - $1.low }
    return reader.messages.count >= total
}

/// Reads `topic` from its start until `count` records arrived, in a group of its own.
func readTopic(_ topic: String, atLeast count: Int, bootstrap: String) async throws -> [KafkaMessage] {
    let reader = try TopicReader(topic: topic, bootstrap: bootstrap)
    let messages = try await reader.read(atLeast: count)
    await reader.close()
    return messages
}
