import ArgumentParser
import Foundation
import Logging
import PacketFlowBroker
import PacketFlowLanguage
import PacketFlowPostgres
import ServiceLifecycle

/// `packetflow connector --molecule FILE --name postgres`: runs one of a molecule's connectors.
struct ConnectorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connector",
        abstract: "Run a molecule's connector: write its connector topic into PostgreSQL.",
        discussion: """
            A molecule's sinks may name a connector, e.g. connector("postgres", from: SavePacket, \
            table: "orders"). The planner gives it a topic, pf.<molecule>.connector.<name>, that \
            the packets' stages feed; this command consumes it in the group of the same name and \
            upserts each packet into the table, keyed by its packet id, so a redelivered packet \
            never writes a second row. Rows the database refuses (a constraint, a wrong type) go \
            to the molecule's dead-letter topic with the server's message; while the database is \
            unreachable the connector waits and retries, losing nothing. Start several to share \
            the topic's partitions.

            Options in the molecule: table (required), columns ("column=field.path, doc=@payload, \
            kind=@kind"; without it the table is packet_id, kind, payload jsonb, written_at and \
            is created when missing), id (the id column, default packet_id), payload, create, \
            batch (rows per statement, default 500). See docs/connectors.md.

            The database URL is not part of the molecule: pass --url or set \
            $PACKETFLOW_POSTGRES_URL. Its password is never printed.

            Example:
              packetflow connector --molecule examples/order-fulfilment.pf --name postgres \\
                --url postgres://app@127.0.0.1:5432/orders
            """)

    @Option(help: ArgumentHelp("The molecule file (.pf).", valueName: "file"))
    var molecule: String

    @Option(help: ArgumentHelp("The molecule to use, when the file declares several.", valueName: "name"))
    var moleculeName: String?

    @Option(help: ArgumentHelp("The connector to run, as named in the molecule: connector(\"<name>\", ...).", valueName: "name"))
    var name: String = "postgres"

    @Option(help: ArgumentHelp(
        "The database: postgres://user[:password]@host[:port]/database. Default: $PACKETFLOW_POSTGRES_URL.",
        valueName: "url"))
    var url: String?

    @OptionGroup var connection: ConnectionOptions

    @Option(help: ArgumentHelp(
        "How much to log: trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    var logLevel: String = "info"

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("invalid log level '\(logLevel)': use trace, debug, info, notice, warning, error or critical")
        }
        guard let urlText = url ?? ProcessInfo.processInfo.environment["PACKETFLOW_POSTGRES_URL"] else {
            throw ValidationError("no database: pass --url postgres://user@host/database or set $PACKETFLOW_POSTGRES_URL")
        }
        var logger = Logger(label: "packetflow.connector") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = level

        let program = try MoleculeProgram.load(path: molecule, loader: FileSystemSourceLoader())
        if !program.diagnostics.isEmpty {
            FileHandle.standardError.write(Data(program.renderedDiagnostics().utf8))
        }
        let plan = try program.plan(molecule: moleculeName)
        guard let connector = plan.connectors.first(where: { $0.name == name }) else {
            let declared = plan.connectors.map(\.name)
            throw ValidationError(
                "molecule \(plan.molecule) declares no connector \"\(name)\""
                    + (declared.isEmpty ? "" : " (it declares: \(declared.joined(separator: ", ")))"))
        }
        guard connector.name == "postgres" else {
            throw ValidationError("connector \"\(connector.name)\": this binary runs the postgres connector only")
        }
        var configuration = try PostgresSinkConfiguration(
            connector: connector, plan: plan, url: try PostgresConnectionURL(urlText), bootstrapServers: connection.bootstrap)
        configuration.kafkaProperties = try connection.properties()
        let specs = try [connector.topic, plan.deadLetterTopic].map { topic throws(BrokerError) in
            try TopicSpec(name: topic, partitions: plan.topic(named: topic)?.partitions ?? 1)
        }
        try await connection.topicProvisioner(logger: logger).ensureTopics(specs)

        let sink = PostgresSink(configuration: configuration, logger: logger)
        let group = ServiceGroup(services: [sink], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
        FileHandle.standardError.write(Data("connector \(name) of \(plan.molecule): \(sink.counts)\n".utf8))
    }
}
