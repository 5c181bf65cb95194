import ArgumentParser
import Foundation
import PacketFlowReactorService

/// How a command reaches a running reactor: its URL and the bearer token.
struct ReactorOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The reactor's HTTP address. Default: $PACKETFLOW_REACTOR, else http://127.0.0.1:8080.", valueName: "url"))
    var reactor: String = ProcessInfo.processInfo.environment["PACKETFLOW_REACTOR"] ?? "http://127.0.0.1:8080"

    @Option(help: ArgumentHelp(
        "The bearer token deploy, undeploy, scale, pause and resume need. Default: $PACKETFLOW_REACTOR_TOKEN.", valueName: "token"))
    var token: String?

    @Option(help: ArgumentHelp(
        "A file whose first line is the bearer token: keeps it out of the process list, unlike --token.",
        valueName: "path"))
    var tokenFile: String?

    /// A client of the reactor.
    func client() throws -> ReactorClient {
        ReactorClient(baseURL: reactor, token: try Secret.read(flag: token, file: tokenFile, variable: "PACKETFLOW_REACTOR_TOKEN"))
    }
}
