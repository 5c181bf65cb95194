import ArgumentParser

/// `packetflow list`: the molecules the reactor runs.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the molecules deployed on the reactor, with their stages and workers.")

    @OptionGroup var reactor: ReactorOptions

    func run() async throws {
        let molecules = try await reactor.client().list()
        guard !molecules.isEmpty else {
            print("no molecules deployed")
            return
        }
        let rows = [["MOLECULE", "REPLICAS", "STAGES"]]
            + molecules.map { ["\($0.molecule)", "\($0.runningReplicas)/\($0.desiredReplicas)", $0.stages.joined(separator: ", ")] }
        let widths = (0..<2).map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            print(row[0].padding(toLength: widths[0], withPad: " ", startingAt: 0) + "  "
                + row[1].padding(toLength: widths[1], withPad: " ", startingAt: 0) + "  " + row[2])
        }
    }
}
