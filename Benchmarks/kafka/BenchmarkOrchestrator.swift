import Foundation
import PacketFlowKafka

/// Runs the comparison: one embedded cluster in this process, every measurement in a child.
///
/// Producing: each side writes `messages` records into a fresh topic, `rounds` times, sides
/// alternating first. Consuming: each side reads the first Swift-produced topic in a fresh
/// group. Reports the median rate per side, the Swift/C ratio and each side's peak RSS.
struct BenchmarkOrchestrator {
    var options: BenchmarkOptions

    func run() async throws {
        guard FileManager.default.isExecutableFile(atPath: options.baselinePath) else {
            throw BenchmarkFailure("no C baseline at \(options.baselinePath); build it with Benchmarks/kafka/run.sh")
        }
        let cluster = try EmbeddedKafkaCluster.start(brokers: 3)
        defer { withExtendedLifetime(cluster) {} }
        let bootstrap = cluster.bootstrapServers
        let count = String(options.messages)
        print("cluster \(bootstrap); \(options.messages) records x \(options.rounds) rounds, \(options.partitions) partitions")

        var measurements: [BenchmarkMeasurement] = []
        for round in 1...options.rounds {
            for side in Self.sides(round: round) {
                let topic = "produce-\(side)-\(round)"
                try cluster.createTopic(topic, partitions: options.partitions)
                measurements.append(try await measure(side: side, ["produce", bootstrap, topic, String(options.partitions), count]))
            }
        }
        for round in 1...options.rounds {
            for side in Self.sides(round: round) {
                let group = "consume-\(side)-\(round)"
                measurements.append(try await measure(side: side, ["consume", bootstrap, "produce-swift-1", group, count]))
            }
        }
        print(Self.table(measurements))
    }

    /// Which side goes first: alternating, so neither always meets a warmer cluster.
    private static func sides(round: Int) -> [String] {
        round % 2 == 1 ? ["swift", "c"] : ["c", "swift"]
    }

    /// Runs one child (this executable for Swift, the baseline for C) and parses its result.
    private func measure(side: String, _ arguments: [String]) async throws -> BenchmarkMeasurement {
        let executable = side == "swift" ? try Self.currentExecutable() : options.baselinePath
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        let exitStatus: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard exitStatus == 0 else {
            throw BenchmarkFailure("\(side) \(arguments[0]) exited with \(exitStatus): \(text)")
        }
        let measurement = try BenchmarkMeasurement(parsing: text)
        print("  \(side) \(measurement.role): \(Int(measurement.rate)) msg/s, max RSS \(measurement.maxRSSKilobytes / 1024) MiB")
        return measurement
    }

    private static func currentExecutable() throws -> String {
        try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    }

    /// The markdown table of medians, one row per role.
    static func table(_ measurements: [BenchmarkMeasurement]) -> String {
        var lines = [
            "| role | Swift msg/s | C msg/s | Swift/C | Swift max RSS | C max RSS |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for role in ["produce", "consume"] {
            let swift = measurements.filter { $0.side == "swift" && $0.role == role }
            let c = measurements.filter { $0.side == "c" && $0.role == role }
            guard !swift.isEmpty, !c.isEmpty else { continue }
            let swiftRate = median(swift.map(\.rate))
            let cRate = median(c.map(\.rate))
            let ratio = String(format: "%.0f%%", 100 * swiftRate / cRate)
            let swiftRSS = swift.map(\.maxRSSKilobytes).max()! / 1024
            let cRSS = c.map(\.maxRSSKilobytes).max()! / 1024
            lines.append("| \(role) | \(Int(swiftRate)) | \(Int(cRate)) | \(ratio) | \(swiftRSS) MiB | \(cRSS) MiB |")
        }
        return lines.joined(separator: "\n")
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
