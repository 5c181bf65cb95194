import Foundation
import PacketFlowKafka

/// The Swift side of the produce measurement: `enqueue` (fire-and-forget), then `flush`.
///
/// Records match the C baseline's: a 64-byte value and three headers, the last one the
/// record's sequence number; records go to partitions in runs of 5,000, as in the baseline.
/// Role `produce` hands the producer borrowed bytes and a prebuilt `KafkaHeaderList` (the bulk
/// path); role `produce-messages` reuses one `KafkaProducerMessage`, rewriting its sequence
/// header in place. Neither allocates Swift memory per record.
struct SwiftProducerRun {
    var bootstrap: String
    var topic: String
    var partitions: Int
    var count: Int
    var usingMessages: Bool

    static let traceID = KafkaHeader(key: "trace-id", value: "00f067aa0ba902b7")
    static let source = KafkaHeader(key: "source", value: "bench")

    func run() async throws {
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: bootstrap))
        let clock = ContinuousClock()
        let start = clock.now
        if usingMessages {
            try await produceMessages(producer)
        } else {
            try await produceBytes(producer)
        }
        try await producer.flush(timeout: .seconds(120))
        let elapsed = clock.now - start
        let counts = producer.deliveryCounts
        guard counts.delivered == count else {
            throw BenchmarkFailure("delivered \(counts.delivered) of \(count); first failures: \(counts.firstFailures)")
        }
        let role = usingMessages ? "produce-messages" : "produce"
        BenchmarkMeasurement.report(side: "swift", role: role, messages: count, seconds: elapsed.seconds)
        await producer.close()
    }

    private func produceBytes(_ producer: KafkaProducer) async throws {
        let constantHeaders = KafkaHeaderList([Self.traceID, Self.source])
        let value = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 1)
        defer { value.deallocate() }
        value.initializeMemory(as: UInt8.self, repeating: UInt8(ascii: "v"))
        var sequence = [UInt8]()
        for index in 0..<count {
            Self.writeDecimal(index, into: &sequence)
            try await producer.enqueue(topic: topic, partition: Int32(index / 5_000 % partitions), value: UnsafeRawBufferPointer(value)) { headers in
                headers.append(contentsOf: constantHeaders)
                sequence.withUnsafeBytes { headers.append(name: "sequence", value: $0) }
            }
        }
    }

    private func produceMessages(_ producer: KafkaProducer) async throws {
        var message = KafkaProducerMessage(
            topic: topic,
            value: [UInt8](repeating: UInt8(ascii: "v"), count: 64),
            headers: [Self.traceID, Self.source, KafkaHeader(key: "sequence", value: [UInt8]())]
        )
        for index in 0..<count {
            Self.writeDecimal(index, into: &message.headers[2].value!)
            message.partition = Int32(index / 5_000 % partitions)
            try await producer.enqueue(message)
        }
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
