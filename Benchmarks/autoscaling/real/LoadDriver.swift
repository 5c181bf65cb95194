import PacketFlowCore
import PacketFlowKafka

/// Publishes the step load: `rate(second)` packets a second, in ten batches a second, each
/// acknowledged before the next, so the input follows the trace within 100 ms.
struct LoadDriver: Sendable {
    let topic: String
    let bootstrap: String
    let rate: @Sendable (Int) -> Int

    /// Publishes for `seconds` from `start`; returns how many packets went out.
    func run(for seconds: Int, from start: ContinuousClock.Instant) async throws -> Int {
        var configuration = KafkaProducerConfiguration(bootstrapServers: bootstrap)
        configuration.linger = .milliseconds(5)
        let producer = try KafkaProducer(configuration: configuration)
        var sent = 0
        for tick in 0..<(seconds * 10) {
            try await Task.sleep(until: start + .milliseconds(100 * tick))
            let second = tick / 10
            // The second's packets, spread over its ten ticks.
            let due = rate(second) * (tick % 10 + 1) / 10 - rate(second) * (tick % 10) / 10
            for _ in 0..<due {
                let packet = Packet(group: .dataFlow, kind: "work", payload: Array(#"{"n":\#(sent)}"#.utf8))
                let record = PacketWireFormat.record(for: packet, topic: topic)
                try await producer.enqueue(
                    KafkaProducerMessage(topic: topic, value: record.value, headers: record.headers.map { KafkaHeader(key: $0.name, value: $0.value) }))
                sent += 1
            }
            try await producer.flush(timeout: .seconds(10))
        }
        await producer.close()
        return sent
    }
}
