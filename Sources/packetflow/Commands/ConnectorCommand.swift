import ArgumentParser
import Foundation
import Logging
import PacketFlowFileConnectors
import PacketFlowKafka
import PacketFlowLanguage
import PacketFlowPostgres
import PacketFlowRuntime
import ServiceLifecycle

/// `packetflow connector --molecule FILE --name NAME`: runs one of a molecule's connectors.
struct ConnectorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connector",
        abstract: "Run a molecule's connector: write its connector topic into PostgreSQL, a file or the terminal.",
        discussion: """
            A molecule's sinks may name a connector, e.g. connector("postgres", from: SavePacket, \
            table: "orders"). The planner gives it a topic, pf.<molecule>.connector.<name>, that \
            the named packets' stages feed; this command consumes it in the group of the same \
            name and writes each packet out, storing offsets only after the write. Packets that \
            can never be written go to the molecule's dead-letter topic with the reason. Start \
            several to share the topic's partitions. See docs/connectors.md.

            postgres: upserts each packet into a table, keyed by its packet id, so a \
            redelivered packet never writes a second row; waits out database outages. Options: \
            table (required), columns ("column=field.path, doc=@payload, kind=@kind"; without \
            it the table is packet_id, kind, payload jsonb, written_at and is created when \
            missing), id, payload, create, batch. The database URL is not part of the \
            molecule: --url or $PACKETFLOW_POSTGRES_URL; its password is never printed.

            file: appends each payload as a JSON line, rotating by size. Options: path \
            (required), max_bytes (default 64 MiB), keep (default 5), format (payload or \
            annotated).

            stdout: prints id, group, kind and payload per packet, for debugging.

            Example:
              packetflow connector --molecule examples/order-fulfilment.pf --name postgres \\
                --url postgres://app@127.0.0.1:5432/orders
            """)

    @Option(help: ArgumentHelp("The molecule file (.pf).", valueName: "file"))
    var molecule: String

    @Option(help: ArgumentHelp("The molecule to use, when the file declares several.", valueName: "name"))
    var moleculeName: String?

    @Option(help: ArgumentHelp(
        "The connector to run, as named in the molecule: postgres, file or stdout.", valueName: "name"))
    var name: String = "postgres"

    @Option(help: ArgumentHelp(
        "postgres: the database, postgres://user[:password]@host[:port]/database. Default: $PACKETFLOW_POSTGRES_URL.",
        valueName: "url"))
    var url: String?

    @OptionGroup var connection: ConnectionOptions

    @Option(help: ArgumentHelp(
        "How much to log: trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    var logLevel: String = "info"

    func run() async throws {
        let logger = try standardErrorLogger(label: "packetflow.connector", level: logLevel)

        let program = try MoleculeProgram.load(path: molecule, loader: FileSystemSourceLoader())
        if !program.diagnostics.isEmpty {
            FileHandle.standardError.write(Data(program.renderedDiagnostics().utf8))
        }
        let plan = try program.plan(molecule: moleculeName)
        guard let declared = plan.connectors.first(where: { $0.name == name }) else {
            let names = plan.connectors.map(\.name)
            throw ValidationError(
                "molecule \(plan.molecule) declares no connector \"\(name)\""
                    + (names.isEmpty ? "" : " (it declares: \(names.joined(separator: ", ")))"))
        }
        var connector = ConnectorConfiguration(connector: declared, plan: plan, bootstrapServers: connection.bootstrap)
        connector.kafkaProperties = try connection.properties()
        let sink = try makeSink(connector, logger: logger)
        let specs = try [connector.topic, connector.deadLetterTopic].map { topic throws(TopicError) in
            try TopicSpec(name: topic, partitions: plan.topic(named: topic)?.partitions ?? 1)
        }
        try await connection.topicProvisioner(logger: logger).ensureTopics(specs)

        let runner = ConnectorRunner(configuration: connector, sink: sink, logger: logger)
        let group = ServiceGroup(services: [runner], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
        FileHandle.standardError.write(Data("connector \(name) of \(plan.molecule): \(sink.summary)\n".utf8))
    }

    private func makeSink(_ connector: ConnectorConfiguration, logger: Logger) throws -> any ConnectorSink {
        switch connector.name {
        case "postgres":
            guard let urlText = url ?? ProcessInfo.processInfo.environment["PACKETFLOW_POSTGRES_URL"] else {
                throw ValidationError("no database: pass --url postgres://user@host/database or set $PACKETFLOW_POSTGRES_URL")
            }
            return PostgresSink(
                configuration: try PostgresSinkConfiguration(connector: connector, url: try PostgresConnectionURL(urlText)),
                logger: logger)
        case "file", "stdout":
            return try LineConnectorSink.make(connector: connector)
        default:
            throw ValidationError("connector \"\(connector.name)\": this binary runs postgres, file and stdout connectors")
        }
    }
}
