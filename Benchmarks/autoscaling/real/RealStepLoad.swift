// The step load of the autoscaling simulation, on real workers: a DF stage whose exec handler
// costs 10 ms a packet (one worker moves about 100 packets/s), fed 100/s, then 600/s for two
// minutes, then 100/s again, run twice on one embedded broker with real `packetflow worker`
// processes: once under the reactor (`packetflow reactor` as a library: the same services),
// once under a controller applying KEDA's Kafka scaler with the HPA's defaults
// (``KEDAFormula``), which starts and stops the same worker processes through the same process
// scaler. Prints a markdown table and writes a CSV trace for plot.py, and the reactor's
// observations for the model's tests (Tests/PacketFlowReactorTests/RecordedRunTests.swift).
//
// Run it with Benchmarks/autoscaling/real/run.sh (release build of this and of packetflow).
import Foundation
import KEDAFormula
import Logging
import PacketFlowBroker
import PacketFlowCore
import PacketFlowKafka
import PacketFlowLanguage
import PacketFlowReactor
import PacketFlowReactorService
import ServiceLifecycle

@main
struct RealStepLoad {
    struct Options {
        var packetflow = ""
        var output = "Benchmarks/autoscaling/results/real"
        var lagThreshold = 100.0
        var controllers = ["reactor", "keda"]
        /// Seconds of the trace: before the step, of the step, after it.
        var before = 30
        var step = 120
        var after = 180
        var baseRate = 100
        var peakRate = 600

        init(_ arguments: [String]) throws {
            var index = 1
            func value() throws -> String {
                index += 1
                guard index < arguments.count else { throw RunError("missing value for \(arguments[index - 1])") }
                return arguments[index]
            }
            while index < arguments.count {
                switch arguments[index] {
                case "--packetflow": packetflow = try value()
                case "--output": output = try value()
                case "--lag-threshold": lagThreshold = Double(try value()) ?? lagThreshold
                case "--controllers": controllers = try value().split(separator: ",").map(String.init)
                case "--before": before = Int(try value()) ?? before
                case "--step": step = Int(try value()) ?? step
                case "--after": after = Int(try value()) ?? after
                default: throw RunError("unknown option \(arguments[index])")
                }
                index += 1
            }
            guard !packetflow.isEmpty else {
                throw RunError(
                    "usage: AutoscalingRealRun --packetflow PATH [--output DIR] [--lag-threshold N] [--controllers reactor,keda] [--before S --step S --after S]")
            }
        }

        var duration: Int { before + step + after }

        func rate(at second: Int) -> Int { second >= before && second < before + step ? peakRate : baseRate }
    }

    struct RunError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static let logger = Logger(label: "bench.autoscaling") { _ in SwiftLogNoOpLogHandler() }

    static func main() async throws {
        let options = try Options(CommandLine.arguments)
        let cluster = try await EmbeddedClusterService.start(brokers: 1, logger: logger)
        let group = ServiceGroup(services: [cluster], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var runs: [StepRun] = []
            for controller in options.controllers {
                progress("\(controller): \(options.duration) s of load")
                runs.append(try await StepRun.run(controller, options: options, bootstrap: cluster.bootstrapServers))
            }
            try write(runs, options: options)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    static func progress(_ line: String) {
        FileHandle.standardError.write(Data("bench: \(line)\n".utf8))
    }

    /// The table on standard output; the trace and the table under `options.output`.
    static func write(_ runs: [StepRun], options: Options) throws {
        var table = """
            | controller | reaction time | time to drain | replica-seconds | scale events | max replicas | max lag | flaps | packets in | out | distinct | duplicates | lost |
            |---|---|---|---|---|---|---|---|---|---|---|---|---|

            """
        for run in runs {
            let summary = run.summary(options)
            table += "| \(summary.name) | \(summary.reaction.map { "\($0) s" } ?? "none") | \(summary.drain.map { "\($0) s" } ?? "not drained") "
                + "| \(summary.replicaSeconds) | \(summary.scaleEvents) | \(summary.maxReplicas) | \(summary.maxLag) | \(summary.flaps) "
                + "| \(run.packetsIn) | \(run.packetsOut) | \(run.distinctOut) | \(run.packetsOut - run.distinctOut) | \(run.packetsIn - run.distinctOut) |\n"
        }
        print(table)
        try FileManager.default.createDirectory(atPath: options.output, withIntermediateDirectories: true)
        try table.write(toFile: options.output + "/summary.md", atomically: true, encoding: .utf8)
        var csv = "time,rate" + runs.map { ",\($0.name)-replicas,\($0.name)-lag" }.joined() + "\n"
        for second in 0..<options.duration {
            csv += "\(second),\(options.rate(at: second))"
            for run in runs {
                let sample = run.samples.last { $0.second <= second }
                csv += ",\(sample?.running ?? 0),\(sample?.lag ?? 0)"
            }
            csv += "\n"
        }
        try csv.write(toFile: options.output + "/trace.csv", atomically: true, encoding: .utf8)
        var events = ""
        for run in runs { events += "\(run.name):\n" + run.events.map { "  \($0)\n" }.joined() }
        try events.write(toFile: options.output + "/scale-events.txt", atomically: true, encoding: .utf8)
        for run in runs where !run.observations.isEmpty {
            let rows = ["second,running,desired,lag,input-rate,processing-rate,per-replica-rate,rate-source"] + run.observations
            try (rows.joined(separator: "\n") + "\n").write(
                toFile: options.output + "/\(run.name)-observations.csv", atomically: true, encoding: .utf8)
        }
    }
}
