import PacketFlowKafka
import PacketFlowTestSupport
import Testing

@Suite("An unreachable bootstrap address fails clearly and in bounded time", .timeLimit(.minutes(1)))
struct UnreachableBrokerTests {
    // Port 9 (discard) is closed on the test machines: connections are refused at once.
    static let deadAddress = "127.0.0.1:9"

    @Test("the producer's connection probe names the broker and the reason")
    func producerProbe() async throws {
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: Self.deadAddress))
        let error = await #expect(throws: KafkaError.self) {
            try await producer.waitUntilConnected(timeout: .seconds(2))
        }
        #expect(error?.message.hasPrefix("broker 127.0.0.1:9 unreachable: connection refused") == true, "\(String(describing: error))")
        #expect(error?.isRetriable == true)
        await producer.close(timeout: .seconds(1))
    }

    @Test("the admin client's connection probe names the broker and the reason")
    func adminProbe() async throws {
        let admin = try KafkaTopicAdmin(bootstrapServers: Self.deadAddress, timeout: .seconds(2))
        let error = await #expect(throws: KafkaError.self) {
            try await admin.waitUntilConnected(timeout: .seconds(2))
        }
        #expect(error?.message.hasPrefix("broker 127.0.0.1:9 unreachable: connection refused") == true, "\(String(describing: error))")
    }
}
