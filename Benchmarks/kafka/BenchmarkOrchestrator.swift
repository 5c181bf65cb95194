import Foundation
import PacketFlowKafka

/// Runs the comparison: one embedded cluster in this process, every measurement in a child.
///
/// Producing: each producer (Swift from borrowed bytes, Swift from `KafkaProducerMessage`, C)
/// writes `messages` records into a fresh topic, `rounds` times, the order rotating. Consuming: each reader (Swift in place, Swift copying into `KafkaMessage`,
/// C) reads the first Swift-produced topic in a fresh group. Reports median rates, the
/// Swift/C ratio, CPU time per record and each side's peak RSS.
struct BenchmarkOrchestrator {
    var options: BenchmarkOptions

    /// A measurement to run: the child's side and its first argument (the role).
    private typealias Runner = (side: String, role: String)

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
        let producers: [Runner] = [("swift", "produce"), ("swift", "produce-messages"), ("c", "produce")]
        for round in 1...options.rounds {
            for runner in Self.rotated(producers, by: round) {
                let topic = "\(runner.role)-\(runner.side)-\(round)"
                try cluster.createTopic(topic, partitions: options.partitions)
                measurements.append(try await measure(runner, [bootstrap, topic, String(options.partitions), count]))
            }
        }
        let consumers: [Runner] = [("swift", "consume"), ("swift", "consume-messages"), ("c", "consume")]
        for round in 1...options.rounds {
            for runner in Self.rotated(consumers, by: round) {
                let group = "\(runner.role)-\(runner.side)-\(round)"
                measurements.append(try await measure(runner, [bootstrap, "produce-swift-1", group, count]))
            }
        }
        print(Self.table(measurements))
    }

    /// The runners in an order that rotates each round, so none always meets a warmer cluster.
    private static func rotated(_ runners: [Runner], by round: Int) -> [Runner] {
        let shift = round % runners.count
        return Array(runners[shift...] + runners[..<shift])
    }

    /// Runs one child (this executable for Swift, the baseline for C) and parses its result.
    private func measure(_ runner: Runner, _ arguments: [String]) async throws -> BenchmarkMeasurement {
        let executable = runner.side == "swift" ? try Self.currentExecutable() : options.baselinePath
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [runner.role] + arguments
        let output = Pipe()
        process.standardOutput = output
        let exitStatus: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard exitStatus == 0 else {
            throw BenchmarkFailure("\(runner.side) \(runner.role) exited with \(exitStatus): \(text)")
        }
        let measurement = try BenchmarkMeasurement(parsing: text)
        print("  \(runner.side) \(measurement.role): \(Int(measurement.rate)) msg/s, "
            + "CPU \(String(format: "%.2f", measurement.cpuSeconds)) s, peak RSS \(measurement.maxRSSKilobytes / 1024) MiB")
        return measurement
    }

    private static func currentExecutable() throws -> String {
        try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    }

    /// The markdown table of medians, one row per Swift role against the C role it mirrors.
    static func table(_ measurements: [BenchmarkMeasurement]) -> String {
        var lines = [
            "| Swift path | Swift msg/s | C msg/s | Swift/C | Swift CPU µs/msg | C CPU µs/msg | C/Swift CPU | Swift peak RSS | C peak RSS |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        let pairs = [("produce", "produce"), ("produce-messages", "produce"), ("consume", "consume"), ("consume-messages", "consume")]
        for (role, baselineRole) in pairs {
            let swift = measurements.filter { $0.side == "swift" && $0.role == role }
            let c = measurements.filter { $0.side == "c" && $0.role == baselineRole }
            guard !swift.isEmpty, !c.isEmpty else { continue }
            let (swiftRate, cRate) = (median(swift.map(\.rate)), median(c.map(\.rate)))
            let swiftCPU = median(swift.map { 1e6 * $0.cpuSeconds / Double($0.messages) })
            let cCPU = median(c.map { 1e6 * $0.cpuSeconds / Double($0.messages) })
            let percent = { (value: Double) in String(format: "%.0f%%", 100 * value) }
            let micros = { (value: Double) in String(format: "%.2f", value) }
            let peak = { (runs: [BenchmarkMeasurement]) in "\(runs.map(\.maxRSSKilobytes).max()! / 1024) MiB" }
            lines.append(
                "| \(role) | \(Int(swiftRate)) | \(Int(cRate)) | \(percent(swiftRate / cRate)) | \(micros(swiftCPU)) | "
                    + "\(micros(cCPU)) | \(percent(cCPU / swiftCPU)) | \(peak(swift)) | \(peak(c)) |"
            )
        }
        return lines.joined(separator: "\n")
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
