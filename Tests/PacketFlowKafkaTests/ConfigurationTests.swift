import PacketFlowKafka
import Testing

@Suite("Client configuration")
struct ConfigurationTests {
    @Test("an unknown raw property is rejected with its name")
    func unknownProperty() {
        var configuration = KafkaProducerConfiguration(bootstrapServers: "127.0.0.1:9")
        configuration.properties["linger.nonsense"] = "1"
        let error = #expect(throws: KafkaError.self) { try KafkaProducer(configuration: configuration) }
        #expect(error?.message.contains("linger.nonsense") == true)
        #expect(error?.code == .invalidConfiguration)
    }

    @Test("a raw property with a bad value is rejected with its name and value")
    func badValue() {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: "127.0.0.1:9", groupID: "g")
        configuration.properties["fetch.wait.max.ms"] = "soon"
        let error = #expect(throws: KafkaError.self) { try KafkaConsumer(configuration: configuration) }
        #expect(error?.message.contains("fetch.wait.max.ms=\"soon\"") == true)
    }
}
