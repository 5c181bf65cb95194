import Foundation
import PacketFlowKafka

/// Kafka throughput benchmark: the Swift clients against librdkafka used directly from C.
///
/// Without arguments it runs the whole comparison (see `BenchmarkOrchestrator`). The roles
/// `produce`, `produce-messages`, `consume` and `consume-messages` are its child processes, one per measurement, so that each one's
/// peak memory is its own.
@main
enum KafkaBenchmark {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            switch arguments.first {
            case "produce" where arguments.count == 5, "produce-messages" where arguments.count == 5:
                try await SwiftProducerRun(
                    bootstrap: arguments[1], topic: arguments[2], partitions: Int(arguments[3]) ?? 1, count: Int(arguments[4]) ?? 0,
                    usingMessages: arguments[0] == "produce-messages"
                ).run()
            case "consume" where arguments.count == 5, "consume-messages" where arguments.count == 5:
                try await SwiftConsumerRun(
                    bootstrap: arguments[1], topic: arguments[2], group: arguments[3], count: Int(arguments[4]) ?? 0,
                    copying: arguments[0] == "consume-messages"
                ).run()
            default:
                try await BenchmarkOrchestrator(options: BenchmarkOptions(arguments: arguments)).run()
            }
        } catch {
            FileHandle.standardError.write(Data("KafkaBenchmark: \(error)\n".utf8))
            exit(1)
        }
    }
}
