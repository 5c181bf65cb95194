import Foundation

/// One child's result line:
/// `side=swift role=produce messages=N seconds=S rate=R maxrss_kb=K cpu_seconds=C`.
///
/// `cpu_seconds` is the child's whole user + system time, start-up and group join included.
struct BenchmarkMeasurement {
    var side: String
    var role: String
    var messages: Int
    var seconds: Double
    var rate: Double
    var maxRSSKilobytes: Int
    var cpuSeconds: Double

    /// Prints the result line the orchestrator parses (the C baseline prints the same).
    static func report(side: String, role: String, messages: Int, seconds: Double) {
        print("side=\(side) role=\(role) messages=\(messages) seconds=\(String(format: "%.3f", seconds))"
            + " rate=\(Int(Double(messages) / seconds)) maxrss_kb=\(peakResidentKilobytes())"
            + " cpu_seconds=\(String(format: "%.3f", cpuSeconds()))")
    }

    /// User plus system CPU time of this process so far.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let seconds = { (time: timeval) in Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// Peak RSS of this process image (`VmHWM`). Not `getrusage`'s `ru_maxrss`: after
    /// `posix_spawn` it starts from the parent's peak, and the parent holds the cluster's data.
    static func peakResidentKilobytes() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
        return line.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? -1
    }

    /// Parses the last result line of a child's output.
    init(parsing output: String) throws {
        guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("side=") }) else {
            throw BenchmarkFailure("no result line in: \(output)")
        }
        var fields: [String: String] = [:]
        for pair in line.split(separator: " ") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        guard let side = fields["side"], let role = fields["role"],
              let messages = fields["messages"].flatMap({ Int($0) }),
              let seconds = fields["seconds"].flatMap({ Double($0) }),
              let rate = fields["rate"].flatMap({ Double($0) }),
              let rss = fields["maxrss_kb"].flatMap({ Int($0) }),
              let cpu = fields["cpu_seconds"].flatMap({ Double($0) })
        else { throw BenchmarkFailure("malformed result line: \(line)") }
        (self.side, self.role, self.messages, self.seconds, self.rate) = (side, role, messages, seconds, rate)
        (self.maxRSSKilobytes, self.cpuSeconds) = (rss, cpu)
    }
}
