import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import PacketFlowKafka
import PacketFlowLanguage
import PacketFlowPostgres
import PacketFlowRuntime
import PacketFlowTestSupport
import ServiceLifecycle
import Testing

/// HTTP ingest -> a molecule stage -> the PostgreSQL connector, each a `packetflow` process.
@Suite("Ingest to PostgreSQL end to end")
struct IngestToPostgresTests {
    private static let events = 1_200
    private static let requests = 12

    private func molecule(in folder: URL) throws -> String {
        let path = folder.appendingPathComponent("checkout.pf").path
        try """
            molecule Checkout {
              composition: [OrderPacket],
              sources: [topic("orders", to: OrderPacket)],
              sinks: [connector("postgres", from: OrderPacket, table: "orders", columns: "order_id=id, total, doc=@payload")],
            }
            packet OrderPacket { group: DF, handler: builtin("forward") }
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("N events posted, some requests twice, N rows, whatever the retries and redeliveries; the duplicates are counted and dropped by the upsert")
    func eventsBecomeRowsOnce() async throws {
        try await withPostgresServer { server in
            try await withEmbeddedBroker { broker in
                try await server.query("CREATE TABLE orders (packet_id text PRIMARY KEY, order_id integer NOT NULL, total numeric, doc jsonb)")
                let folder = server.folder
                let moleculeFile = try molecule(in: folder)
                let bootstrap = broker.bootstrapServers
                let port = try FreePort.pick()
                let ingest = PacketFlowProcess(
                    ["ingest", "--listen", "127.0.0.1:\(port)", "--bootstrap", bootstrap, "--group", "DF", "--id-field", "id", "--log-level", "warning"])
                let firstWorker = PacketFlowProcess(
                    ["worker", "--molecule", moleculeFile, "--stage", "OrderPacket", "--bootstrap", bootstrap, "--log-level", "warning"])
                let secondWorker = PacketFlowProcess(firstWorker.arguments)
                let connector = PacketFlowProcess(
                    ["connector", "--molecule", moleculeFile, "--url", "\(try server.url)", "--bootstrap", bootstrap, "--log-level", "warning"])
                let http = HTTPClient(eventLoopGroupProvider: .singleton)
                // A client dropped without shutdown crashes the whole test process: shut it down
                // on every path, so a failure here reads as this test's failure.
                do {
                try await withThrowingTaskGroup(of: Void.self) { processes in
                    for process in [ingest, firstWorker, connector] {
                        processes.addTask { try await process.run() }
                    }
                    defer {
                        for process in [ingest, firstWorker, secondWorker, connector] { try? process.send(SIGKILL) }
                    }
                    try await waitUntil("ingest to listen", within: .seconds(60)) {
                        (try? await Self.status(http, "http://127.0.0.1:\(port)/healthz")) == 200
                    }
                    let perRequest = Self.events / Self.requests
                    for request in 0..<Self.requests {
                        if request == Self.requests / 2 {
                            // Kill the worker mid-run: what it forwarded but had not committed is
                            // read again by its successor and forwarded a second time, same ids.
                            try await waitUntil("rows from the first half", within: .seconds(90)) {
                                (try? await server.count("SELECT count(*) FROM orders")) ?? 0 > 0
                            }
                            try firstWorker.send(SIGKILL)
                            processes.addTask { try await secondWorker.run() }
                        }
                        let lines = (0..<perRequest).map { index in
                            let id = request * perRequest + index
                            return #"{"id":\#(id),"total":\#(id % 97).5,"customer":"c\#(id % 13)"}"#
                        }
                        // Every third request is sent twice, as by a client whose first 202 was lost.
                        for _ in 0..<(request % 3 == 1 ? 2 : 1) {
                            let status = try await Self.post(http, "http://127.0.0.1:\(port)/topics/orders", lines.joined(separator: "\n"))
                            #expect(status == 202)
                        }
                    }
                    try await waitUntil("\(Self.events) rows", within: .seconds(120)) {
                        (try? await server.count("SELECT count(*) FROM orders")) == Self.events
                    }
                    try connector.send(SIGTERM)
                    try ingest.send(SIGTERM)
                    try secondWorker.send(SIGTERM)
                    try await processes.waitForAll()
                }
                } catch {
                    try? await http.shutdown()
                    throw error
                }
                try await http.shutdown()

                #expect(try await server.count("SELECT count(DISTINCT order_id) FROM orders") == Self.events)
                // Ids come from the events' own "id" (--id-field), so a repeated post names them alike.
                #expect(try await server.count("SELECT count(*) FROM orders WHERE packet_id = 'ingest:orders:' || order_id || ':0'") == Self.events)
                #expect(try await server.count("SELECT count(*) FROM orders WHERE doc->>'customer' IS NULL") == 0)
                // What the connector read, against what it wrote: the difference is the duplicates.
                let delivered = try await Kcat(bootstrap: bootstrap).consume(topic: "pf.Checkout.connector.postgres").count
                let summary = try #require(
                    connector.standardError.split(separator: "\n").last { $0.hasPrefix("connector postgres of Checkout:") },
                    "\(connector.standardError)")
                #expect(summary.contains("\(delivered) packets: \(Self.events) rows inserted, \(delivered - Self.events) duplicates dropped, 0 dead-lettered"))
                #expect(connector.exitCode == 0)

                // Replayed from the start (a new consumer group), the topic writes nothing new.
                let plan = try MoleculeProgram.load(path: moleculeFile, loader: FileSystemSourceLoader()).plan()
                var replay = ConnectorConfiguration(connector: plan.connectors[0], plan: plan, bootstrapServers: bootstrap)
                replay.groupID = uniqueName("replay")
                let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
                let sink = PostgresSink(configuration: try PostgresSinkConfiguration(connector: replay, url: try server.url), logger: quiet)
                let group = ServiceGroup(
                    services: [ConnectorRunner(configuration: replay, sink: sink, logger: quiet)], gracefulShutdownSignals: [], logger: quiet)
                try await withThrowingTaskGroup(of: Void.self) { tasks in
                    tasks.addTask { try await group.run() }
                    try await waitUntil("the replay to read the whole topic", within: .seconds(60)) { sink.counts.received == delivered }
                    await group.triggerGracefulShutdown()
                    try await tasks.waitForAll()
                }
                #expect(sink.counts.inserted == 0)
                #expect(sink.counts.duplicates == delivered)
                #expect(try await server.count("SELECT count(*) FROM orders") == Self.events)
            }
        }
    }

    private static func status(_ http: HTTPClient, _ url: String) async throws -> UInt {
        let response = try await http.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
        return response.status.code
    }

    private static func post(_ http: HTTPClient, _ url: String, _ body: String) async throws -> UInt {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-ndjson")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await http.execute(request, timeout: .seconds(60))
        return response.status.code
    }
}
