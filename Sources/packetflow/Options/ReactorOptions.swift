import ArgumentParser
import Foundation
import PacketFlowReactorService

/// How a command reaches a running reactor: its URL and the bearer token.
struct ReactorOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The reactor's HTTP address. Default: $PACKETFLOW_REACTOR, else http://127.0.0.1:8080.", valueName: "url"))
    var reactor: String = ProcessInfo.processInfo.environment["PACKETFLOW_REACTOR"] ?? "http://127.0.0.1:8080"

    @Option(help: ArgumentHelp(
        "The bearer token deploy and undeploy need. Default: $PACKETFLOW_REACTOR_TOKEN.", valueName: "token"))
    var token: String?

    /// A client of the reactor.
    func client() -> ReactorClient {
        ReactorClient(baseURL: reactor, token: token ?? ProcessInfo.processInfo.environment["PACKETFLOW_REACTOR_TOKEN"])
    }
}
