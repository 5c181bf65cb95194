import Logging
import PacketFlowKafka
import PacketFlowLanguage
import PacketFlowPostgres
import PacketFlowRuntime
import PacketFlowTestSupport
import ServiceLifecycle
import Testing

@Suite("PostgreSQL sink on the embedded broker and a throwaway server")
struct PostgresSinkTests {
    private static var logger: Logger {
        var logger = Logger(label: "packetflow.test.postgres")
        logger.logLevel = .error
        return logger
    }

    /// The connector's Kafka side on `cluster`, its topics created, and the sink's settings.
    private func connector(
        _ server: PostgresTestServer, cluster: EmbeddedKafkaCluster, molecule: String, options: [String: String]
    ) throws -> (ConnectorConfiguration, PostgresSinkConfiguration) {
        let plan = TopologyPlan(
            molecule: molecule, stages: [], topics: [], deadLetterTopic: "pf.\(molecule).dead-letter", stateStores: [],
            placementHints: [], connectors: [])
        let connector = ConnectorConfiguration(
            connector: ConnectorPlan(name: "postgres", options: options, topic: "pf.\(molecule).connector.postgres", stages: []),
            plan: plan, bootstrapServers: cluster.bootstrapServers)
        var sink = try PostgresSinkConfiguration(connector: connector, url: try server.url)
        sink.initialReconnectDelay = .milliseconds(50)
        sink.maximumReconnectDelay = .milliseconds(500)
        try cluster.createTopic(connector.topic, partitions: 3)
        try cluster.createTopic(connector.deadLetterTopic, partitions: 1)
        return (connector, sink)
    }

    /// Runs the sink under a ``ConnectorRunner`` while `body` runs, then shuts it down gracefully.
    private func withSink(
        _ connector: ConnectorConfiguration, _ configuration: PostgresSinkConfiguration,
        _ body: (PostgresSink) async throws -> Void
    ) async throws -> PostgresSinkCounts {
        let sink = PostgresSink(configuration: configuration, logger: Self.logger)
        let runner = ConnectorRunner(configuration: connector, sink: sink, logger: Self.logger)
        let group = ServiceGroup(services: [runner], gracefulShutdownSignals: [], logger: Self.logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                try await body(sink)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        return sink.counts
    }

    private func publish(_ kcat: Kcat, topic: String, ids: Range<Int>, payload: (Int) -> String = { #"{"n":\#($0)}"# }) async throws {
        for id in ids {
            try await kcat.produce(
                topic: topic, values: [payload(id)], headers: [("pf-id", "packet-\(id)"), ("pf-kind", "order"), ("pf-group", "DF")])
        }
    }

    @Test("packets become rows; a redelivered packet is dropped by the upsert; unwritable ones go to the dead-letter topic with the reason")
    func rowsDuplicatesAndDeadLetters() async throws {
        try await withPostgresServer { server in
            try await withEmbeddedCluster { cluster in
                try await server.query("CREATE TABLE sales (packet_id text PRIMARY KEY, n integer CHECK (n < 1000), doc jsonb)")
                let molecule = uniqueName("Sales")
                let (connector, configuration) = try connector(
                    server, cluster: cluster, molecule: molecule, options: ["table": "sales", "columns": "n, doc=@payload"])
                let kcat = Kcat(bootstrap: cluster.bootstrapServers)
                // 20 packets, packet-5 twice (a redelivery), one the CHECK refuses, one foreign message.
                try await publish(kcat, topic: connector.topic, ids: 0..<20)
                try await publish(kcat, topic: connector.topic, ids: 5..<6)
                try await publish(kcat, topic: connector.topic, ids: 1000..<1001) { #"{"n":\#($0)}"# }
                try await kcat.produce(topic: connector.topic, values: [#"{"n":1}"#])

                let counts = try await withSink(connector, configuration) { sink in
                    try await waitUntil("23 packets handled", within: .seconds(60)) { sink.counts.received == 23 }
                }
                #expect(counts.inserted == 20)
                #expect(counts.duplicates == 1)
                #expect(counts.deadLettered == 2)
                #expect(try await server.count("SELECT count(*) FROM sales") == 20)
                #expect(try await server.count("SELECT sum(n) FROM sales") == (0..<20).reduce(0, +))

                let letters = try await kcat.consume(topic: connector.deadLetterTopic)
                let reasons = letters.map { Self.header("pf-dlq-reason", in: $0) ?? "" }.sorted()
                #expect(letters.count == 2)
                #expect(reasons.contains { $0.contains("no pf-id header") }, "\(reasons)")
                #expect(reasons.contains { $0.contains("sales_n_check") && $0.contains("23514") }, "\(reasons)")
                #expect(letters.allSatisfy { Self.header("pf-dlq-stage", in: $0) == "connector.postgres" })
                #expect(letters.allSatisfy { Self.header("pf-dlq-molecule", in: $0) == molecule })
            }
        }
    }

    @Test("PostgreSQL stopped mid-run and started again: every row arrives, nothing is dead-lettered")
    func outageLosesNothing() async throws {
        try await withPostgresServer { server in
            try await withEmbeddedCluster { cluster in
                let molecule = uniqueName("Outage")
                let (connector, configuration) = try connector(server, cluster: cluster, molecule: molecule, options: ["table": "events"])
                let kcat = Kcat(bootstrap: cluster.bootstrapServers)
                let counts = try await withSink(connector, configuration) { sink in
                    try await publish(kcat, topic: connector.topic, ids: 0..<30)
                    try await waitUntil("the first 30 rows", within: .seconds(60)) {
                        (try? await server.count("SELECT count(*) FROM events")) == 30
                    }
                    try await server.stop()
                    try await publish(kcat, topic: connector.topic, ids: 30..<60)
                    // The outage lasts a second while the sink holds the new batch and retries.
                    try await Task.sleep(for: .seconds(1))
                    try await server.startAgain()
                    try await waitUntil("all 60 rows", within: .seconds(60)) {
                        (try? await server.count("SELECT count(*) FROM events")) == 60
                    }
                }
                #expect(counts.inserted == 60)
                #expect(counts.deadLettered == 0)
                #expect(try await kcat.consume(topic: connector.deadLetterTopic).isEmpty)
            }
        }
    }

    private static func header(_ name: String, in message: Kcat.Message) -> String? {
        guard let headers = message.headers, let index = stride(from: 0, to: headers.count - 1, by: 2).first(where: { headers[$0] == name })
        else { return nil }
        return headers[index + 1]
    }
}
