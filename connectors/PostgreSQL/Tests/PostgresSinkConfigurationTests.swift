import PacketFlowLanguage
import PacketFlowPostgres
import PacketFlowRuntime
import Testing

@Suite("PostgreSQL sink configuration")
struct PostgresSinkConfigurationTests {
    private func plan(_ connector: String) throws -> TopologyPlan {
        let source = """
            molecule Orders {
                composition: [SavePacket],
                sinks: [\(connector)]
            }
            packet SavePacket { group: DF, handler: builtin("forward") }
            """
        let program = MoleculeProgram.parse(source, name: "orders.pf")
        #expect(program.diagnostics.isEmpty, "\(program.renderedDiagnostics())")
        return try program.plan(molecule: "Orders")
    }

    private func configuration(_ connector: String) throws -> PostgresSinkConfiguration {
        let plan = try plan(connector)
        return try PostgresSinkConfiguration(
            connector: ConnectorConfiguration(connector: plan.connectors[0], plan: plan, bootstrapServers: "127.0.0.1:9092"),
            url: try PostgresConnectionURL("postgres://pf@db/orders"))
    }

    @Test("the connector reads its planned topic in a group of that name; rejects go to the molecule's dead-letter topic")
    func connectorTopic() throws {
        let plan = try plan(#"connector("postgres", from: SavePacket, table: "orders")"#)
        let connector = ConnectorConfiguration(connector: plan.connectors[0], plan: plan, bootstrapServers: "127.0.0.1:9092")
        #expect(connector.topic == "pf.Orders.connector.postgres")
        #expect(connector.groupID == connector.topic)
        #expect(connector.deadLetterTopic == "pf.Orders.dead-letter")
        #expect(connector.stageName == "connector.postgres")
        #expect(plan.stage(named: "SavePacket")?.outputTopics.contains(connector.topic) == true)
    }

    @Test("without columns: a jsonb document table, created when missing")
    func jsonDocumentDefaults() throws {
        let sink = try configuration(#"connector("postgres", from: SavePacket, table: "orders")"#)
        #expect(sink.table == "orders")
        #expect(sink.idColumn == "packet_id")
        #expect(sink.columns.map(\.column) == ["kind", "payload"])
        #expect(sink.columns.map(\.source) == [.header("pf-kind"), .payload])
        #expect(sink.createTable)
    }

    @Test("columns: map payload fields, the payload and headers; the table must exist")
    func columnMapping() throws {
        let sink = try configuration(
            #"connector("postgres", table: "sales.orders", columns: "order_id=id, total=amount.total, customer, doc=@payload, kind=@kind", batch: 200)"#)
        #expect(sink.columns.map(\.column) == ["order_id", "total", "customer", "doc", "kind"])
        #expect(sink.columns[1].source == .field(try .init("amount.total")))
        #expect(sink.columns[2].source == .field(try .init("customer")))
        #expect(sink.columns[3].source == .payload)
        #expect(sink.columns[4].source == .header("pf-kind"))
        #expect(!sink.createTable)
        #expect(sink.maxBatchRows == 200)
    }

    @Test(
        "bad options name the connector and the option",
        arguments: [
            (#"connector("postgres", columns: "a=b")"#, "needs a table: option"),
            (#"connector("postgres", table: "t", tabel: "u")"#, "unknown option tabel"),
            (#"connector("postgres", table: "t", batch: 0)"#, "batch: must be a positive number of rows, not 0"),
            (#"connector("postgres", table: "t", create: "maybe")"#, "create: must be true or false, not maybe"),
            (#"connector("postgres", table: "t", columns: "a=@size")"#, "unknown source @size"),
            (#"connector("postgres", table: "t", columns: "a=b..c")"#, "empty segment"),
        ])
    func badOptions(connector: String, message: String) throws {
        let error = #expect(throws: PostgresSinkError.self) { try configuration(connector) }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
    }

    @Test("URLs: defaults like libpq's, percent-escapes decoded, the password never printed")
    func urls() throws {
        let url = try PostgresConnectionURL("postgresql://app:s%40cret@db.internal:6432/orders")
        #expect(url.host == "db.internal")
        #expect(url.port == 6432)
        #expect(url.username == "app")
        #expect(url.password == "s@cret")
        #expect(url.database == "orders")
        #expect(url.description == "postgres://app:***@db.internal:6432/orders")
        let bare = try PostgresConnectionURL("postgres://app@localhost")
        #expect(bare.port == 5432)
        #expect(bare.database == "app")
        #expect(bare.password == nil)

        let error = #expect(throws: PostgresSinkError.self) { try PostgresConnectionURL("mysql://app:hunter2@db/x") }
        #expect(error?.message.contains("hunter2") == false)
        #expect(error?.message.contains("expected postgres://") == true)
        #expect(throws: PostgresSinkError.self) { try PostgresConnectionURL("postgres://db/x") }
    }
}
