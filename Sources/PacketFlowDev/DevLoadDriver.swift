import Foundation
import PacketFlowClient
import PacketFlowCore
import PacketFlowKafka

/// Drives example events into a molecule's source topics at a steady rate, so the reactor
/// has work to scale for.
///
/// Events are orders with distinct ids (`{"id":"o-N","order":{"id":"o-N"},"qty":Q,"value":V}`),
/// which suit the examples in examples/dev. ``run(topics:rate:for:)`` publishes until its
/// time is up or the task is cancelled, then flushes.
public struct DevLoadDriver: Sendable {
    /// The Kafka bootstrap address.
    public var bootstrapServers: String
    /// Raw librdkafka properties for the producer.
    public var properties: [String: String]

    /// A driver for the cluster at `bootstrapServers`.
    public init(bootstrapServers: String, properties: [String: String] = [:]) {
        self.bootstrapServers = bootstrapServers
        self.properties = properties
    }

    /// Publishes `rate()` events a second (read every 20 ms, so it can change), shared over
    /// `topics`, for `duration`.
    ///
    /// Returns the events delivered. Cancellation stops it early (and still flushes).
    @discardableResult
    public func run(topics: [String], rate: @escaping @Sendable () -> Double, for duration: Duration) async throws -> Int {
        guard !topics.isEmpty else { return 0 }
        var configuration = KafkaProducerConfiguration(bootstrapServers: bootstrapServers)
        configuration.properties = properties
        configuration.clientID = "packetflow-dev-load"
        let producer = try KafkaProducer(configuration: configuration)
        var sent = 0
        do {
            try await publish(into: producer, topics: topics, rate: rate, for: duration, sent: &sent)
        } catch {
            await producer.close(timeout: .seconds(5))
            throw error
        }
        try? await producer.flush(timeout: .seconds(10))
        let delivered = producer.deliveryCounts.delivered
        await producer.close(timeout: .seconds(5))
        return delivered
    }

    private func publish(
        into producer: KafkaProducer, topics: [String], rate: @Sendable () -> Double, for duration: Duration,
        sent: inout Int
    ) async throws {
        let clock = ContinuousClock()
        let start = clock.now
        var last = start
        var due = 0.0
        while !Task.isCancelled, clock.now - start < duration {
            let now = clock.now
            due += rate() * (now - last).seconds
            last = now
            while Double(sent) < due.rounded(.down) {
                let topic = topics[sent % topics.count]
                let id = "o-\(sent)"
                let value = #"{"id":"\#(id)","order":{"id":"\#(id)"},"qty":\#(1 + sent % 5),"value":\#(sent % 100)}"#
                try await producer.enqueue(
                    KafkaProducerMessage(
                        topic: topic, key: Array(id.utf8), value: Array(value.utf8),
                        headers: [
                            KafkaHeader(key: PacketWireFormat.Header.version, value: String(PacketWireFormat.version)),
                            KafkaHeader(key: PacketWireFormat.Header.id, value: PacketID.generate().rawValue),
                            KafkaHeader(key: PacketWireFormat.Header.group, value: PacketGroup.eventDriven.symbol),
                            KafkaHeader(key: PacketWireFormat.Header.kind, value: "order"),
                        ]))
                sent += 1
            }
            do {
                try await Task.sleep(for: .milliseconds(20))
            } catch {
                break
            }
        }
    }
}

extension Duration {
    fileprivate var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
