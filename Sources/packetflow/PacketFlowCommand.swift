import ArgumentParser

@main
struct PacketFlowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "packetflow",
        abstract: "Stream processing over Kafka, organised like chemistry.",
        version: "0.1.0",
        subcommands: [
            BrokerCommand.self, PublishCommand.self, ConsumeCommand.self,
            CheckCommand.self, PlanCommand.self, GraphCommand.self, FmtCommand.self,
        ]
    )
}
