import ArgumentParser

/// `packetflow`: the command-line tool. Each subcommand lives in its own file under Commands/.
@main
struct PacketFlowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "packetflow",
        abstract: "Stream processing over Kafka, organised like chemistry.",
        discussion: """
            Packets are Kafka messages whose headers name one of six groups (CF control flow, \
            DF data flow, ED event driven, CO collective, MC meta-computational, RM resource \
            management); molecules are pipelines of packets joined by bonds. Commands reach \
            Kafka at --bootstrap, by default $PACKETFLOW_BOOTSTRAP or 127.0.0.1:9092, where \
            `packetflow broker` serves an embedded broker.

            Getting started:
              packetflow broker &
              packetflow publish clicks --value '{"user":"ada"}' --count 100
              packetflow consume clicks
              packetflow check examples/processing-pipeline.pf
            """,
        version: "0.1.0",
        subcommands: [
            BrokerCommand.self, PublishCommand.self, ConsumeCommand.self,
            CheckCommand.self, PlanCommand.self, GraphCommand.self, FmtCommand.self,
            DeployCommand.self, WorkerCommand.self, ReactorCommand.self, UndeployCommand.self, ListCommand.self,
            ScaleCommand.self, PauseCommand.self, ResumeCommand.self, StatusCommand.self,
            IngestCommand.self, ConnectorCommand.self,
            DevCommand.self,
        ]
    )
}
