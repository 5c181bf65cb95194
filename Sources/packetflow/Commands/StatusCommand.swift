import ArgumentParser
import Foundation
import PacketFlowReactorService

/// `packetflow status [MOLECULE] [--watch] [--json]`: the chemical imbalance view.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show each stage's replicas, lag, rates, dead letters, health and last decision.",
        discussion: """
            Per stage: running/desired replicas, lag, input and processing rates, dead letters, \
            restarts, health (OK, WARN, STALL, STOP, REWIND, LOSS, CRASHLOOP) and the reactor's last \
            decision in words, e.g. "ComputePacket: inflow 5.2k/s > capacity 3.9k/s with 3 \
            replicas, lag 41k rising: scaled 3 -> 5". --json prints what GET \
            /v1/molecules/NAME answers.

            Example:
              packetflow status ProcessingPipeline --watch
            """)

    @Argument(help: "The molecule. Default: every deployed molecule.")
    var molecule: String?

    @Flag(help: "Refresh every --interval-ms until interrupted.")
    var watch = false

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Option(help: ArgumentHelp("The refresh interval of --watch, in milliseconds.", valueName: "ms"))
    var intervalMs: Int = 2_000

    @OptionGroup var reactor: ReactorOptions

    func run() async throws {
        let client = try reactor.client()
        repeat {
            let statuses: [MoleculeStatus]
            if let molecule {
                statuses = [try await client.status(molecule)]
            } else {
                var all: [MoleculeStatus] = []
                for summary in try await client.list() { all.append(try await client.status(summary.molecule)) }
                statuses = all
            }
            if watch && !json { print("\u{1B}[H\u{1B}[2J", terminator: "") }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                let data = molecule == nil ? try encoder.encode(statuses) : try encoder.encode(statuses[0])
                print(String(decoding: data, as: UTF8.self))
            } else if statuses.isEmpty {
                print("no molecules deployed")
            } else {
                print(statuses.map(\.text).joined(separator: "\n"), terminator: "")
            }
            if watch { try await Task.sleep(for: .milliseconds(max(intervalMs, 100))) }
        } while watch
    }
}
