import Foundation
import Logging
import PacketFlowBroker
import PacketFlowKafka
import PacketFlowTestSupport
import Subprocess
import Testing

@Suite("Kafka clients through the bootstrap forwarder", .timeLimit(.minutes(2)))
struct KafkaClientsThroughForwarderTests {
    private let logger = Logger(label: "packetflow.broker.tests") { _ in SwiftLogNoOpLogHandler() }

    @Test("a record produced by PacketFlow's producer is read by kcat with its key and headers")
    func swiftProducerToKcat() async throws {
        let topic = "swift-to-kcat-\(UInt32.random(in: 0...UInt32.max))"
        try await withRunningBroker(brokers: 3, topics: [TopicSpec(name: topic, partitions: 1)]) { _, forwarder in
            let producer = try KafkaProducer(
                configuration: KafkaProducerConfiguration(bootstrapServers: "\(forwarder.localAddress)"),
                logger: logger
            )
            _ = try await producer.send(KafkaProducerMessage(
                topic: topic,
                key: Array("order-1".utf8),
                value: Array(#"{"amount":12}"#.utf8),
                headers: [KafkaHeader(key: "trace", value: "t-1"), KafkaHeader(key: "group", value: "alkali")]
            ))
            await producer.close()

            let messages = try await Kcat(bootstrap: "\(forwarder.localAddress)").consume(topic: topic)
            #expect(messages.count == 1)
            #expect(messages.first?.key == "order-1")
            #expect(messages.first?.payload == #"{"amount":12}"#)
            #expect(messages.first?.headers == ["trace", "t-1", "group", "alkali"])
        }
    }

    @Test("a record produced by kcat with a header is read by PacketFlow's consumer")
    func kcatToSwiftConsumer() async throws {
        let suffix = UInt32.random(in: 0...UInt32.max)
        let topic = "kcat-to-swift-\(suffix)"
        try await withRunningBroker(brokers: 3, topics: [TopicSpec(name: topic, partitions: 3)]) { _, forwarder in
            try await Kcat(bootstrap: "\(forwarder.localAddress)")
                .produce(topic: topic, lines: ["order-2:hello"], headers: [("k", "v")])

            var configuration = KafkaConsumerConfiguration(
                bootstrapServers: "\(forwarder.localAddress)",
                groupID: "kcat-to-swift-\(suffix)"
            )
            configuration.offsetReset = .earliest
            let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
            try consumer.subscribe(topics: [topic])
            let message = try await firstMessage(of: consumer, within: .seconds(30))
            try await consumer.close()

            #expect(message.topic == topic)
            #expect(message.key == Array("order-2".utf8))
            #expect(message.value == Array("hello".utf8))
            #expect(message.headers == [KafkaHeader(key: "k", value: "v")])
        }
    }

    @Test("kafka-python, a client independent of librdkafka, produces and reads back through the forwarder")
    func kafkaPython() async throws {
        let topic = "python-\(UInt32.random(in: 0...UInt32.max))"
        try await withRunningBroker(brokers: 3, topics: [TopicSpec(name: topic, partitions: 3)]) { _, forwarder in
            // No consumer group: kafka-python names its assignors differently from librdkafka.
            let script = """
                import sys
                from kafka import KafkaProducer, KafkaConsumer, TopicPartition
                address, topic = sys.argv[1], sys.argv[2]
                producer = KafkaProducer(bootstrap_servers=address)
                producer.send(topic, key=b'k', value=b'from-python', headers=[('h', b'v')]).get(timeout=10)
                producer.close()
                consumer = KafkaConsumer(bootstrap_servers=address, auto_offset_reset='earliest', consumer_timeout_ms=10000)
                consumer.assign([TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic))])
                for message in consumer:
                    print(len(consumer.partitions_for_topic(topic)), message.key.decode(), message.value.decode(), message.headers[0][0])
                    break
                """
            let result = try await Subprocess.run(
                .path("/usr/bin/python3"),
                arguments: ["-c", script, "\(forwarder.localAddress)", topic],
                output: .string(limit: 1 << 16),
                error: .string(limit: 1 << 20)
            )
            #expect(result.terminationStatus == .exited(0), "stderr: \(result.standardError)")
            #expect(result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "3 k from-python h")
        }
    }

    private struct NoMessage: Error {}

    /// The consumer's first record, or `NoMessage` after `timeout`.
    private func firstMessage(of consumer: KafkaConsumer, within timeout: Duration) async throws -> KafkaMessage {
        try await withThrowingTaskGroup(of: KafkaMessage?.self) { tasks in
            tasks.addTask {
                for await message in consumer.messages {
                    return message
                }
                return nil
            }
            tasks.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            let first = try await tasks.next() ?? nil
            tasks.cancelAll()
            guard let first else { throw NoMessage() }
            return first
        }
    }
}
