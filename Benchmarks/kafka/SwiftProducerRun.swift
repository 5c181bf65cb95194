import Foundation
import PacketFlowKafka

/// The Swift side of the produce measurement: `enqueue` (fire-and-forget), then `flush`.
///
/// Records match the C baseline's: a 64-byte value and three headers, the last one the
/// record's sequence number; records go to partitions in runs of 5,000, as in the baseline.
/// The message is reused so the loop allocates nothing per record.
struct SwiftProducerRun {
    var bootstrap: String
    var topic: String
    var partitions: Int
    var count: Int

    func run() async throws {
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: bootstrap))
        var message = KafkaProducerMessage(
            topic: topic,
            value: [UInt8](repeating: UInt8(ascii: "v"), count: 64),
            headers: [
                KafkaHeader(key: "trace-id", value: "00f067aa0ba902b7"),
                KafkaHeader(key: "source", value: "bench"),
                KafkaHeader(key: "sequence", value: [UInt8]()),
            ]
        )
        let clock = ContinuousClock()
        let start = clock.now
        for index in 0..<count {
            Self.writeDecimal(index, into: &message.headers[2].value!)
            message.partition = Int32(index / 5_000 % partitions)
            try await producer.enqueue(message)
        }
        try await producer.flush(timeout: .seconds(120))
        let elapsed = clock.now - start
        let counts = producer.deliveryCounts
        guard counts.delivered == count else {
            throw BenchmarkFailure("delivered \(counts.delivered) of \(count); first failures: \(counts.firstFailures)")
        }
        BenchmarkMeasurement.report(side: "swift", role: "produce", messages: count, seconds: elapsed.seconds)
        await producer.close()
    }

    /// Writes `value`'s decimal digits into `bytes`, reusing its storage.
    static func writeDecimal(_ value: Int, into bytes: inout [UInt8]) {
        bytes.removeAll(keepingCapacity: true)
        var remaining = value
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(remaining % 10))
            remaining /= 10
        } while remaining > 0
        bytes.reverse()
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
