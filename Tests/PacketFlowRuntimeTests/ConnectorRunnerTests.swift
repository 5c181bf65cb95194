import Logging
import PacketFlowBroker
import PacketFlowCore
import PacketFlowKafka
import PacketFlowLanguage
import PacketFlowRuntime
import PacketFlowTestSupport
import ServiceLifecycle
import Synchronization
import Testing

@Suite("Connector runner")
struct ConnectorRunnerTests {
    /// A sink whose destination never answers: every write waits until it is cancelled.
    final class StalledSink: ConnectorSink {
        let writes = Atomic<Int>(0)
        func prepare() async throws {}
        func write(_ records: [PacketRecord]) async throws -> [ConnectorRejection] {
            writes.add(1, ordering: .relaxed)
            try await Task.sleep(for: .seconds(3600))
            return []
        }
        func close() async {}
        var summary: String { "stalled" }
    }

    /// A sink that keeps what it is given, taking `delay` for each batch.
    final class CollectingSink: ConnectorSink {
        let received = LockedArray<String>()
        let delay: Duration
        init(delay: Duration = .zero) { self.delay = delay }
        func prepare() async throws {}
        func write(_ records: [PacketRecord]) async throws -> [ConnectorRejection] {
            if delay > .zero { try await Task.sleep(for: delay) }
            received.append(contentsOf: records.map { String(decoding: $0.value ?? [], as: UTF8.self) })
            return []
        }
        func close() async {}
        var summary: String { "\(received.count) received" }
    }

    private static let logger = Logger(label: "test.connector") { _ in SwiftLogNoOpLogHandler() }

    /// A connector of a fresh molecule on `bootstrap`, its topics created with `partitions`.
    private func connector(bootstrap: String, partitions: Int) async throws -> ConnectorConfiguration {
        let molecule = uniqueName("Sink")
        let plan = TopologyPlan(
            molecule: molecule, stages: [], topics: [], deadLetterTopic: "pf.\(molecule).dead-letter", stateStores: [],
            placementHints: [], connectors: [])
        var connector = ConnectorConfiguration(
            connector: ConnectorPlan(name: "test", options: [:], topic: "pf.\(molecule).connector.test", stages: []),
            plan: plan, bootstrapServers: bootstrap)
        // The embedded broker makes a member joining a running group wait the session timeout.
        connector.kafkaProperties = ["session.timeout.ms": "6000"]
        try await TopicProvisioner(bootstrapServers: bootstrap, timeout: .seconds(20)).ensureTopics([
            try TopicSpec(name: connector.topic, partitions: partitions), try TopicSpec(name: connector.deadLetterTopic, partitions: 1),
        ])
        return connector
    }

    @Test("a second connector joining while the first writes: partitions move mid-batch, neither stops, every record is written")
    func rebalanceDuringWrites() async throws {
        try await withEmbeddedBroker { bootstrap in
            let connector = try await connector(bootstrap: bootstrap, partitions: 4)
            let first = CollectingSink(delay: .milliseconds(100))
            let second = CollectingSink(delay: .milliseconds(100))
            let groups = [first, second].map { sink in
                ServiceGroup(
                    services: [ConnectorRunner(configuration: connector, sink: sink, logger: Self.logger)],
                    gracefulShutdownSignals: [], logger: Self.logger)
            }
            let values = (0..<3_000).map { #"{"n":\#($0)}"# }
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await groups[0].run() }
                // Records keep coming (12 s) while the second joins the running group (about 5 s).
                var secondStarted = false
                for chunk in stride(from: 0, to: values.count, by: 100) {
                    if !secondStarted, first.received.count > 0 {
                        secondStarted = true
                        tasks.addTask { try await groups[1].run() }
                    }
                    try await publishRaw(
                        values[chunk..<chunk + 100].map { (key: $0, value: $0, headers: []) }, to: connector.topic, bootstrap: bootstrap)
                    try await Task.sleep(for: .milliseconds(400))
                }
                try await waitUntil("every record written", within: .seconds(60)) {
                    Set(first.received.values).union(second.received.values).count == values.count
                }
                for group in groups { await group.triggerGracefulShutdown() }
                // Throws if either connector stopped with an error.
                try await tasks.waitForAll()
            }
            #expect(first.received.count > 0 && second.received.count > 0, "both connectors took part")
        }
    }

    @Test("a shutdown while the destination hangs stops the connector cleanly, and the interrupted batch is read again")
    func shutdownDuringWrite() async throws {
        try await withEmbeddedBroker { bootstrap in
            let connector = try await connector(bootstrap: bootstrap, partitions: 1)
            let values = (0..<20).map { #"{"n":\#($0)}"# }
            try await publishRaw(values.map { (key: nil, value: $0, headers: []) }, to: connector.topic, bootstrap: bootstrap)

            let stalled = StalledSink()
            let first = ServiceGroup(
                services: [ConnectorRunner(configuration: connector, sink: stalled, logger: Self.logger)],
                gracefulShutdownSignals: [], logger: Self.logger)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await first.run() }
                try await waitUntil("the first write", within: .seconds(30)) { stalled.writes.load(ordering: .relaxed) > 0 }
                await first.triggerGracefulShutdown()
                // Throws if the interrupted write ends the connector with an error.
                try await tasks.waitForAll()
            }

            let collecting = CollectingSink()
            let second = ServiceGroup(
                services: [ConnectorRunner(configuration: connector, sink: collecting, logger: Self.logger)],
                gracefulShutdownSignals: [], logger: Self.logger)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await second.run() }
                try await waitUntil("every record again", within: .seconds(60)) { collecting.received.count >= values.count }
                await second.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            #expect(Set(collecting.received.values) == Set(values))
        }
    }
}
