import Foundation

extension MoleculeStatus {
    /// The status as `packetflow status` prints it: one table row per stage (DLQ: the dead
    /// letters the stage wrote), then each stage's last decision, pause and health findings in
    /// words.
    public var text: String {
        let header = ["STAGE", "GROUP", "REPLICAS", "LAG", "IN/s", "DONE/s", "DLQ", "RESTARTS", "HEALTH"]
        let rows = stages.map { stage in
            [
                stage.stage, stage.group,
                "\(stage.runningReplicas)/\(stage.desiredReplicas)" + (stage.manualReplicas != nil ? " (manual)" : "")
                    + (stage.paused ? " PAUSED" : ""),
                String(stage.lag), Self.rate(stage.inputRate), Self.rate(stage.processingRate), String(stage.deadLetters),
                String(stage.restarts), stage.health,
            ]
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }
        var out = "molecule \(molecule) (\(sourceName)), dead letters in \(deadLetterTopic): \(deadLetters)\n"
        out += ([header] + rows).map(line).joined(separator: "\n") + "\n"
        for stage in stages {
            out += "\(stage.stage) [\(stage.consumerGroup)]: \(stage.lastDecision ?? "no decision yet")\n"
            if let reason = stage.pausedReason {
                out += "  paused: \(reason); resume with: packetflow resume \(molecule) \(stage.stage)\n"
            }
            if !stage.healthReasons.isEmpty {
                out += "  health \(stage.health): \(stage.healthReasons.joined(separator: ", "))\n"
            }
        }
        return out
    }

    private static func rate(_ value: Double) -> String {
        value >= 10_000 ? String(format: "%.1fk", value / 1_000) : String(format: "%.1f", value)
    }
}
