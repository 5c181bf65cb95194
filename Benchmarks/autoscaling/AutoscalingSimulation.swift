import Foundation

/// Replays one step-load trace through PacketFlow's autoscaler and through KEDA's formula.
///
/// Usage: `swift run AutoscalingSimulation [OUTPUT-DIR]` (default Benchmarks/autoscaling/results).
/// Writes `trace.csv` (one row per second, columns per controller), `scale-events.txt` (each
/// scale event with its reason) and `summary.md` (the table in docs/autoscaling.md), and
/// prints the table. Deterministic: same output every run.
@main
enum AutoscalingSimulation {
    static func main() throws {
        let output = CommandLine.arguments.dropFirst().first ?? "Benchmarks/autoscaling/results"
        let parameters = SimulationParameters()
        let runs = [
            SimulationRun(
                controller: PacketFlowController(name: "packetflow", partitions: parameters.partitions),
                parameters: parameters),
            SimulationRun(
                controller: KEDAController(name: "keda-default", lagThreshold: 10, parameters: parameters),
                parameters: parameters),
            SimulationRun(
                controller: KEDAController(name: "keda-tuned", lagThreshold: 1_000, parameters: parameters),
                parameters: parameters),
            // The reactor after an earlier busy period: a replica's capacity is already known.
            SimulationRun(
                controller: PacketFlowController(
                    name: "packetflow-warm", partitions: parameters.partitions,
                    configuration: .init(perReplicaRatePrior: parameters.perReplicaRate)),
                parameters: parameters),
        ]
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        try csv(runs).write(toFile: output + "/trace.csv", atomically: true, encoding: .utf8)
        let log = runs.map { "## \($0.name)\n" + $0.log.joined(separator: "\n") }.joined(separator: "\n\n")
        try (log + "\n").write(toFile: output + "/scale-events.txt", atomically: true, encoding: .utf8)
        let table = summary(runs, parameters: parameters)
        try table.write(toFile: output + "/summary.md", atomically: true, encoding: .utf8)
        print(table)
    }

    static func csv(_ runs: [SimulationRun]) -> String {
        var lines = [
            "time,input_rate,"
                + runs.map { "\($0.name)_replicas,\($0.name)_ready,\($0.name)_lag" }.joined(separator: ",")
        ]
        for (index, row) in runs[0].rows.enumerated() {
            let columns = runs.map { run in
                let other = run.rows[index]
                return "\(other.replicas),\(other.ready),\(Int(other.lag.rounded()))"
            }
            lines.append("\(Int(row.time)),\(Int(row.inputRate.rounded())),\(columns.joined(separator: ","))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func summary(_ runs: [SimulationRun], parameters: SimulationParameters) -> String {
        func seconds(_ value: Double?) -> String { value.map { "\(Int($0.rounded())) s" } ?? "never" }
        var lines = [
            "| controller | reaction time | time to capacity | time to drain | back to 1 replica after load | "
                + "replica-seconds | scale events | max replicas | max lag |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for run in runs {
            let cells = [
                run.name,
                seconds(run.reactionTime(stepStart: parameters.stepStart)),
                seconds(run.timeToCapacity(stepStart: parameters.stepStart, parameters: parameters)),
                seconds(
                    run.timeToDrain(
                        stepStart: parameters.stepStart, stepEnd: parameters.stepEnd, threshold: parameters.peakRate)),
                seconds(run.timeToMinimum(stepEnd: parameters.stepEnd, minimum: parameters.minReplicas)),
                "\(Int(run.replicaSeconds.rounded()))",
                "\(run.scaleEvents.count)",
                "\(run.maxReplicas)",
                "\(Int(run.maxLag.rounded()))",
            ]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
