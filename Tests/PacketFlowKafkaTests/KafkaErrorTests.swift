@testable import PacketFlowKafka
import Testing

@Suite("Kafka errors and librdkafka error text")
struct KafkaErrorTests {
    @Test("codes carry librdkafka's names")
    func codeNames() {
        #expect(KafkaError.Code.timedOut.name == "_TIMED_OUT")
        #expect(KafkaError.Code.topicAlreadyExists.name == "TOPIC_ALREADY_EXISTS")
        #expect(KafkaError(code: .transport, message: "x").description == "x [_TRANSPORT]")
    }

    @Test("transient codes are retriable, others not")
    func retriable() {
        #expect(KafkaError(code: .transport, message: "").isRetriable)
        #expect(!KafkaError(code: .invalidConfiguration, message: "").isRetriable)
    }

    @Test(
        "connection failures read as broker and reason",
        arguments: [
            (
                "127.0.0.1:9/bootstrap: Connect to ipv4#127.0.0.1:9 failed: Connection refused (after 0ms in state CONNECT)",
                "broker 127.0.0.1:9 unreachable: connection refused"
            ),
            (
                "nohost:9092/bootstrap: Failed to resolve 'nohost:9092': Name or service not known (after 2ms in state CONNECT)",
                "broker nohost:9092 unreachable: failed to resolve 'nohost:9092': name or service not known"
            ),
            (
                "sasl_ssl://127.0.0.1:9/bootstrap: Connect to ipv4#127.0.0.1:9 failed: Connection refused (after 0ms in state CONNECT)",
                "broker 127.0.0.1:9 unreachable: connection refused"
            ),
        ]
    )
    func brokerFailure(text: String, summary: String) {
        #expect(BrokerFailure(librdkafkaText: text)?.summary == summary)
    }

    @Test("text without a broker is not a broker failure")
    func notBrokerFailure() {
        #expect(BrokerFailure(librdkafkaText: "1 brokers are down") == nil)
    }
}
