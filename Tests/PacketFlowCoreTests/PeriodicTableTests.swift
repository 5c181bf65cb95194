import PacketFlowCore
import Testing

@Suite("Periodic table")
struct PeriodicTableTests {
    @Test("symbols read back as their groups, in any case", arguments: PacketGroup.allCases)
    func symbols(group: PacketGroup) {
        #expect(PacketGroup(symbol: group.symbol) == group)
        #expect(PacketGroup(symbol: group.symbol.lowercased()) == group)
    }

    @Test("ordered groups run one packet at a time and let partitions cap their replicas")
    func orderedGroups() {
        for group in PacketGroup.allCases where group.properties.ordering == .sequentialPerKey {
            #expect(group.properties.concurrencyPerWorker == 1 || group == .resourceManagement)
            #expect(group.properties.scaling.orderingCapsParallelism)
        }
        #expect(PacketGroup.dataFlow.properties.ordering == .parallel)
    }

    @Test("event-driven packets wait least for a fetch and keep warm replicas")
    func eventDrivenIsLowLatency() {
        let ed = PacketGroup.eventDriven.properties
        for other in PacketGroup.allCases where other != .eventDriven {
            #expect(ed.consumer.fetchWaitMax <= other.properties.consumer.fetchWaitMax)
        }
        #expect(ed.scaling.minReplicas >= 2)
    }

    @Test("every group's bounds are consistent", arguments: PacketGroup.allCases)
    func consistentBounds(group: PacketGroup) {
        let properties = group.properties
        #expect(properties.defaultPartitions >= 1)
        #expect(properties.scaling.minReplicas <= properties.scaling.maxReplicas)
        #expect(properties.scaling.maxReplicas <= properties.defaultPartitions || !properties.scaling.orderingCapsParallelism)
        #expect(properties.retry.maxAttempts >= 1)
    }

    @Test(
        "retry backoff doubles up to the cap",
        arguments: [(1, 0), (2, 100), (3, 200), (4, 400), (7, 3_200), (8, 5_000), (30, 5_000)])
    func backoff(attempt: Int, milliseconds: Int) {
        #expect(PacketGroup.dataFlow.properties.retry.backoff(beforeAttempt: attempt) == .milliseconds(milliseconds))
    }

    @Test("a trace context reads and writes the W3C form")
    func traceContext() throws {
        let text = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        let trace = try #require(TraceContext(traceparent: text))
        #expect(trace.traceparent == text)
        #expect(TraceContext(traceparent: "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01") == nil)
        #expect(TraceContext(traceparent: "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01") == nil)
    }
}
