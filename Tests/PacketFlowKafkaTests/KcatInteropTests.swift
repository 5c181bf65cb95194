import Foundation
import PacketFlowKafka
import PacketFlowTestSupport
import Subprocess
import Testing

/// kcat (librdkafka's command-line client) against the Swift producer and consumer.
@Suite("kcat interoperates with the Swift clients")
struct KcatInteropTests {
    /// Runs kcat with `arguments` and `input`, returning its standard output.
    static func kcat(_ arguments: [String], input: String = "") async throws -> String {
        let result = try await within(.seconds(30), "kcat \(arguments.joined(separator: " "))") {
            try await run(
                .name("kcat"),
                arguments: Arguments(arguments),
                input: .string(input),
                output: .string(limit: 1 << 20),
                error: .string(limit: 1 << 20)
            )
        }
        #expect(result.terminationStatus.isSuccess, "kcat failed: \(result.standardError)")
        return result.standardOutput
    }

    @Test("a record from the Swift producer reads back through kcat -C -J with its headers")
    func swiftToKcat() async throws {
        try await withEmbeddedCluster { cluster in
            let topic = uniqueName("to-kcat")
            try cluster.createTopic(topic, partitions: 1)
            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: cluster.bootstrapServers))
            _ = try await producer.send(KafkaProducerMessage(
                topic: topic,
                key: Array("order-7".utf8),
                value: Array(#"{"amount":12}"#.utf8),
                headers: [KafkaHeader(key: "trace", value: "abc"), KafkaHeader(key: "source", value: "swift")]
            ))
            await producer.close()

            let output = try await Self.kcat(["-b", cluster.bootstrapServers, "-C", "-t", topic, "-o", "beginning", "-e", "-J", "-q"])
            let line = try #require(output.split(separator: "\n").first)
            let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(record["key"] as? String == "order-7")
            #expect(record["payload"] as? String == #"{"amount":12}"#)
            #expect(record["headers"] as? [String] == ["trace", "abc", "source", "swift"])
        }
    }

    @Test("a record from kcat -P with a header reaches the Swift consumer")
    func kcatToSwift() async throws {
        try await withEmbeddedCluster { cluster in
            let topic = uniqueName("from-kcat")
            try cluster.createTopic(topic, partitions: 1)
            _ = try await Self.kcat(
                ["-b", cluster.bootstrapServers, "-P", "-t", topic, "-K", ":", "-H", "origin=kcat"],
                input: "k1:hello from kcat\n"
            )
            let record = try #require(try await read(1, from: topic, on: cluster).first)
            #expect(record.key == Array("k1".utf8))
            #expect(record.value == Array("hello from kcat".utf8))
            #expect(record.headers == [KafkaHeader(key: "origin", value: "kcat")])
        }
    }
}
