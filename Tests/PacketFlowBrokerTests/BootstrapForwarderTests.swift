import Logging
import PacketFlowBroker
import PacketFlowKafka
import PacketFlowTestSupport
import Testing

@Suite("Bootstrap forwarder", .timeLimit(.minutes(2)))
struct BootstrapForwarderTests {
    @Test("kcat reaches the cluster through the forwarder and sees its brokers and topics")
    func metadataThroughForwarder() async throws {
        let topic = "forwarder-six-\(UInt32.random(in: 0...UInt32.max))"
        try await withRunningBroker(brokers: 3, topics: [TopicSpec(name: topic, partitions: 6)]) { cluster, forwarder in
            #expect(forwarder.localAddress.port != 0)
            let metadata = try await Kcat(bootstrap: "\(forwarder.localAddress)").metadata()
            #expect(metadata.brokers.count == 3)
            #expect(Set(metadata.brokers.map(\.name)) == Set(cluster.brokerAddresses.map(\.description)))
            #expect(metadata.partitions(of: topic) == 6)
            #expect(metadata.partitions(of: TopicRequestChannel.topic) == 1)
        }
    }

    @Test("a large metadata response arrives whole through the relay")
    func largeResponse() async throws {
        // About 4,000 partitions: a Metadata response of some hundreds of kilobytes.
        let topics = try (0..<8).map { try TopicSpec(name: "bulk-\($0)", partitions: 500) }
        try await withRunningBroker(brokers: 1, topics: topics) { _, forwarder in
            let metadata = try await Kcat(bootstrap: "\(forwarder.localAddress)").metadata()
            for topic in topics {
                #expect(metadata.partitions(of: topic.name) == 500)
            }
        }
    }

    @Test("clients bootstrapping at the same time are all served")
    func concurrentClients() async throws {
        try await withRunningBroker(brokers: 3) { _, forwarder in
            let kcat = Kcat(bootstrap: "\(forwarder.localAddress)")
            let brokerCounts = try await withThrowingTaskGroup(of: Int.self) { clients in
                for _ in 0..<8 {
                    clients.addTask { try await kcat.metadata().brokers.count }
                }
                return try await clients.reduce(into: []) { $0.append($1) }
            }
            #expect(brokerCounts == Array(repeating: 3, count: 8))
        }
    }

    @Test("a port in use is reported in one line that says so")
    func portInUse() async throws {
        try await withRunningBroker(brokers: 1) { cluster, forwarder in
            let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
            let error = await #expect(throws: BrokerError.self) {
                _ = try await BootstrapForwarder.bind(
                    to: forwarder.localAddress,
                    upstreams: cluster.brokerAddresses,
                    logger: logger
                )
            }
            #expect(error?.code == .listenFailed)
            #expect(error?.description.contains("in use") == true)
            #expect(error?.description.contains("\n") == false)
        }
    }
}
