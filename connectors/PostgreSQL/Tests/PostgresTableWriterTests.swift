import Logging
import PacketFlowCore
import PacketFlowLanguage
import PacketFlowPostgres
import PacketFlowRuntime
import Testing

@Suite("PostgreSQL table writer on a throwaway server")
struct PostgresTableWriterTests {
    private static var logger: Logger {
        var logger = Logger(label: "packetflow.test.postgres")
        logger.logLevel = .error
        return logger
    }

    private func configuration(
        _ server: PostgresTestServer, table: String, columns: [PostgresColumnMapping]? = nil
    ) throws -> PostgresSinkConfiguration {
        let plan = TopologyPlan(
            molecule: "Orders", stages: [], topics: [], deadLetterTopic: "pf.Orders.dead-letter", stateStores: [],
            placementHints: [], connectors: [])
        let connector = ConnectorPlan(name: "postgres", options: ["table": table], topic: "pf.Orders.connector.postgres", stages: [])
        var configuration = try PostgresSinkConfiguration(
            connector: ConnectorConfiguration(connector: connector, plan: plan, bootstrapServers: "unused:9092"),
            url: try server.url)
        if let columns {
            configuration.columns = columns
            configuration.createTable = false
        }
        configuration.initialReconnectDelay = .milliseconds(50)
        configuration.maximumReconnectDelay = .milliseconds(500)
        return configuration
    }

    private func record(id: String, payload: String, kind: String = "order") -> PacketRecord {
        PacketRecord(
            topic: "pf.Orders.connector.postgres", partition: 0, offset: 0, timestampMilliseconds: nil, key: nil,
            value: Array(payload.utf8),
            headers: [PacketHeader(name: "pf-id", text: id), PacketHeader(name: "pf-kind", text: kind)])
    }

    private func rows(_ records: [PacketRecord], _ mappings: [PostgresColumnMapping]) throws -> [PostgresSinkRow] {
        try records.map { try PostgresSinkRow.make(from: $0, mappings: mappings).get() }
    }

    @Test("a batch becomes rows in a created jsonb table; writing it again inserts nothing and counts duplicates")
    func upsertDropsDuplicates() async throws {
        try await withPostgresServer { server in
            let configuration = try configuration(server, table: "orders")
            let writer = PostgresTableWriter(configuration: configuration, logger: Self.logger)
            let records = (0..<250).map { record(id: "id-\($0)", payload: #"{"n":\#($0),"city":"Lyon"}"#) }
            let batch = try rows(records, configuration.columns)

            let first = try await writer.write(batch)
            #expect(first.inserted == 250)
            #expect(first.duplicates == 0)
            #expect(first.rejected.isEmpty)

            // A redelivery overlapping the first: half old, half new.
            let more = (200..<300).map { record(id: "id-\($0)", payload: #"{"n":\#($0)}"#) }
            let second = try await writer.write(try rows(more, configuration.columns))
            #expect(second.inserted == 50)
            #expect(second.duplicates == 50)
            await writer.close()

            #expect(try await server.count("SELECT count(*) FROM orders") == 300)
            #expect(try await server.count("SELECT count(*) FROM orders WHERE payload->>'city' = 'Lyon'") == 250)
            #expect(try await server.query("SELECT kind, payload->>'n' FROM orders WHERE packet_id = 'id-7'") == ["order|7"])
        }
    }

    @Test("mapped columns take the server's types; a row it refuses is rejected with its message, the others are written")
    func rowRefusalsAreIsolated() async throws {
        try await withPostgresServer { server in
            try await server.query(
                """
                CREATE TABLE sales (
                    packet_id text PRIMARY KEY, order_id integer NOT NULL,
                    total numeric(10,2) CHECK (total >= 0), customer text, doc jsonb)
                """)
            let mappings = try PostgresColumnMapping.list("order_id=id, total=amount.total, customer=customer.name, doc=@payload")
            let configuration = try configuration(server, table: "sales", columns: mappings)
            let writer = PostgresTableWriter(configuration: configuration, logger: Self.logger)
            let batch = try rows(
                [
                    record(id: "a", payload: #"{"id":1,"amount":{"total":9.5},"customer":{"name":"Ada"}}"#),
                    record(id: "b", payload: #"{"id":2,"amount":{"total":-3}}"#),
                    record(id: "c", payload: #"{"id":"three","amount":{"total":1}}"#),
                    record(id: "d", payload: #"{"amount":{"total":4}}"#),
                    record(id: "e", payload: #"{"id":5}"#),
                ], mappings)

            let result = try await writer.write(batch)
            await writer.close()
            #expect(result.inserted == 2)
            #expect(result.rejected.map(\.index) == [1, 2, 3])
            let reasons = result.rejected.map(\.rejection.reason)
            #expect(reasons[0].contains("sales_total_check") && reasons[0].contains("SQLSTATE 23514"), "\(reasons[0])")
            #expect(reasons[1].contains("invalid input syntax for type integer") && reasons[1].contains("22P02"), "\(reasons[1])")
            #expect(reasons[2].contains("order_id") && reasons[2].contains("23502"), "\(reasons[2])")
            #expect(try await server.query("SELECT packet_id, order_id, total, customer FROM sales ORDER BY packet_id") == ["a|1|9.50|Ada", "e|5||"])
        }
    }

    @Test("a missing table or column stops the sink with a message instead of dead-lettering every packet")
    func missingTableOrColumn() async throws {
        try await withPostgresServer { server in
            var missingTable = try configuration(server, table: "nowhere", columns: try PostgresColumnMapping.list("a"))
            missingTable.createTable = false
            let error = await #expect(throws: PostgresSinkError.self) {
                try await PostgresTableWriter(configuration: missingTable, logger: Self.logger).prepare()
            }
            #expect(error?.code == .statementRefused)
            #expect(error?.message.contains("table nowhere does not exist") == true, "\(error?.message ?? "")")

            try await server.query("CREATE TABLE narrow (packet_id text PRIMARY KEY, a text)")
            let missingColumn = try configuration(server, table: "narrow", columns: try PostgresColumnMapping.list("a, b"))
            let columnError = await #expect(throws: PostgresSinkError.self) {
                try await PostgresTableWriter(configuration: missingColumn, logger: Self.logger).prepare()
            }
            #expect(columnError?.message.contains("has no column b") == true, "\(columnError?.message ?? "")")
        }
    }

    @Test("the server stopped mid-run: the write waits, reconnects once it is back, and loses nothing")
    func outageIsWaitedOut() async throws {
        try await withPostgresServer { server in
            let configuration = try configuration(server, table: "orders")
            let writer = PostgresTableWriter(configuration: configuration, logger: Self.logger)
            let before = try rows((0..<100).map { record(id: "before-\($0)", payload: "{}") }, configuration.columns)
            #expect(try await writer.write(before).inserted == 100)

            try await server.stop()
            let after = try rows((0..<100).map { record(id: "after-\($0)", payload: "{}") }, configuration.columns)
            async let pending = writer.write(after)
            // The write cannot finish while the server is down; it does once it is back.
            try await Task.sleep(for: .milliseconds(700))
            try await server.startAgain()
            let result = try await pending
            await writer.close()

            #expect(result.inserted == 100)
            #expect(result.rejected.isEmpty)
            #expect(try await server.count("SELECT count(*) FROM orders") == 200)
        }
    }
}
