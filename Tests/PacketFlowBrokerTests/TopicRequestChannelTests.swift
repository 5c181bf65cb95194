import PacketFlowBroker
import PacketFlowKafka
import PacketFlowTestSupport
import Testing

@Suite("Topic requests served by the embedded broker", .timeLimit(.minutes(1)))
struct TopicRequestChannelTests {
    @Test("malformed requests and requests for existing topics change nothing; later requests are still served")
    func skipsWhatItCannotServe() async throws {
        let suffix = UInt32.random(in: 0...UInt32.max)
        let existing = "kept-\(suffix)"
        let marker = "marker-\(suffix)"
        try await withRunningBroker(brokers: 1, topics: [TopicSpec(name: existing, partitions: 6)]) { _, forwarder in
            let kcat = Kcat(bootstrap: "\(forwarder.localAddress)")
            // Requests are served in order from one partition: once the marker topic exists,
            // every request before it has been handled.
            try await kcat.produce(
                topic: TopicRequestChannel.topic,
                lines: ["bad name:3", "orders-\(suffix):many", "\(existing):12", "\(existing):2", "\(marker):2"]
            )
            let served = try await eventually(within: .seconds(30)) {
                try await kcat.metadata().partitions(of: marker) == 2
            }
            #expect(served)
            let metadata = try await kcat.metadata()
            #expect(metadata.partitions(of: existing) == 6)
            #expect(metadata.partitions(of: "orders-\(suffix)") == nil)
        }
    }
}
