/// The orchestrator's command line: `[--baseline PATH] [--messages N] [--rounds N] [--partitions N]`.
struct BenchmarkOptions {
    /// The compiled `baseline.c`.
    var baselinePath = ".build-bench/kafka-baseline"
    /// Records per measurement.
    var messages = 1_000_000
    /// How often each measurement repeats; the median is reported.
    var rounds = 3
    /// Partitions per topic: enough that no partition outgrows the embedded cluster's 5 MB.
    var partitions = 64

    init(arguments: [String]) throws {
        var remaining = arguments[...]
        while let flag = remaining.popFirst() {
            guard let value = remaining.popFirst() else { throw BenchmarkFailure("\(flag) needs a value") }
            switch flag {
            case "--baseline": baselinePath = value
            case "--messages": messages = try Self.positive(value, flag)
            case "--rounds": rounds = try Self.positive(value, flag)
            case "--partitions": partitions = try Self.positive(value, flag)
            default: throw BenchmarkFailure("unknown option \(flag); options: --baseline PATH --messages N --rounds N --partitions N")
            }
        }
    }

    private static func positive(_ text: String, _ flag: String) throws -> Int {
        guard let value = Int(text), value > 0 else { throw BenchmarkFailure("\(flag) wants a positive number, not \(text)") }
        return value
    }
}

/// A benchmark step that could not run, with what to do about it.
struct BenchmarkFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
