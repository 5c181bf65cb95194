import Logging
import PacketFlowBroker
import PacketFlowKafka
import PacketFlowTestSupport
import Testing

@Suite("Topic provisioner", .timeLimit(.minutes(2)))
struct TopicProvisionerTests {
    private let logger = Logger(label: "packetflow.broker.tests") { _ in SwiftLogNoOpLogHandler() }

    @Test("on the embedded broker, missing topics are created with their partitions through the request channel")
    func createsThroughRequests() async throws {
        let suffix = UInt32.random(in: 0...UInt32.max)
        try await withRunningBroker(brokers: 3) { _, forwarder in
            let provisioner = TopicProvisioner(bootstrapServers: "\(forwarder.localAddress)", logger: logger)
            try await provisioner.ensureTopics([
                TopicSpec(name: "provisioned-a-\(suffix)", partitions: 12),
                TopicSpec(name: "provisioned-b-\(suffix)", partitions: 1),
            ])
            let metadata = try await Kcat(bootstrap: "\(forwarder.localAddress)").metadata()
            #expect(metadata.partitions(of: "provisioned-a-\(suffix)") == 12)
            #expect(metadata.partitions(of: "provisioned-b-\(suffix)") == 1)
        }
    }

    @Test("a topic that has enough partitions is left as it is")
    func leavesExisting() async throws {
        let topic = "existing-\(UInt32.random(in: 0...UInt32.max))"
        try await withRunningBroker(brokers: 1, topics: [TopicSpec(name: topic, partitions: 6)]) { _, forwarder in
            let provisioner = TopicProvisioner(bootstrapServers: "\(forwarder.localAddress)", logger: logger)
            try await provisioner.ensureTopic(topic, partitions: 3)
            #expect(try await Kcat(bootstrap: "\(forwarder.localAddress)").metadata().partitions(of: topic) == 6)
        }
    }

    @Test("a topic with fewer partitions than needed is an error that names both counts")
    func tooFewPartitions() async throws {
        let topic = "narrow-\(UInt32.random(in: 0...UInt32.max))"
        try await withRunningBroker(brokers: 1, topics: [TopicSpec(name: topic, partitions: 2)]) { _, forwarder in
            let provisioner = TopicProvisioner(bootstrapServers: "\(forwarder.localAddress)", logger: logger)
            let error = await #expect(throws: TopicError.self) {
                try await provisioner.ensureTopic(topic, partitions: 5)
            }
            #expect(error?.code == .partitionCountMismatch)
            #expect(error?.description.contains("2 partitions") == true)
            #expect(error?.description.contains("5") == true)
        }
    }

    @Test("without the request channel it asks CreateTopics and never auto-creates the topic")
    func plainClusterUsesCreateTopics() async throws {
        // A bare mock cluster has no request topic and refuses CreateTopics: the call must fail
        // in its time bound, and the topic must not appear with the mock's 4 default partitions.
        let cluster = try EmbeddedKafkaCluster.start(brokers: 1)
        let topic = "plain-\(UInt32.random(in: 0...UInt32.max))"
        let provisioner = TopicProvisioner(bootstrapServers: cluster.bootstrapServers, timeout: .seconds(2), logger: logger)
        let error = await #expect(throws: TopicError.self) {
            try await provisioner.ensureTopic(topic, partitions: 3)
        }
        #expect(error?.code == .provisioningFailed)
        #expect(try await Kcat(bootstrap: cluster.bootstrapServers).metadata().partitions(of: topic) == nil)
    }
}
