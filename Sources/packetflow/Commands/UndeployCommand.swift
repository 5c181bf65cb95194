import ArgumentParser

/// `packetflow undeploy NAME`: stops a molecule's workers and removes it from the registry.
struct UndeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "undeploy",
        abstract: "Stop a deployed molecule's workers and remove it from the reactor's registry.",
        discussion: """
            Workers drain (finish in-flight packets, commit) before they exit. The molecule's \
            topics and their data stay. Needs the reactor's bearer token.

            Example:
              packetflow undeploy ProcessingPipeline
            """)

    @Argument(help: "The molecule's name.")
    var name: String

    @OptionGroup var reactor: ReactorOptions

    func run() async throws {
        try await reactor.client().undeploy(name)
        print("undeployed \(name)")
    }
}
