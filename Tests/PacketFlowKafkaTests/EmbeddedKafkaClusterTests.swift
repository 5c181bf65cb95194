import PacketFlowKafka
import Testing

@Suite("Embedded Kafka cluster")
struct EmbeddedKafkaClusterTests {
    @Test("starts the requested number of brokers on 127.0.0.1", arguments: [1, 3])
    func startsBrokers(count: Int) throws {
        let cluster = try EmbeddedKafkaCluster.start(brokers: count)
        let brokers = cluster.bootstrapServers.split(separator: ",")
        #expect(brokers.count == count)
        #expect(brokers.allSatisfy { $0.hasPrefix("127.0.0.1:") })
    }

    @Test("creating a topic twice reports that it exists")
    func duplicateTopic() throws {
        let cluster = try EmbeddedKafkaCluster.start(brokers: 1)
        try cluster.createTopic("twice", partitions: 2)
        let error = #expect(throws: KafkaError.self) {
            try cluster.createTopic("twice", partitions: 2)
        }
        #expect(error?.code == .topicAlreadyExists)
        #expect(error?.description.contains("twice") == true)
    }

    @Test("rejects a cluster without brokers")
    func zeroBrokers() {
        #expect(throws: KafkaError.self) { try EmbeddedKafkaCluster.start(brokers: 0) }
    }
}
