import PacketFlowReactor
import Testing

@Suite("Lag window: lag, rates and the per-replica estimate")
struct LagWindowTests {
    struct LagCase: CustomTestStringConvertible, Sendable {
        var name: String
        var low: Int64
        var high: Int64
        var committed: Int64
        var reset: OffsetResetPolicy
        var lag: Int64
        var losing: Bool
        var testDescription: String { name }
    }

    @Test(
        "Partition lag, including KEDA's -1 committed offsets and empty partitions",
        arguments: [
            LagCase(name: "committed", low: 0, high: 100, committed: 40, reset: .earliest, lag: 60, losing: false),
            LagCase(
                name: "never committed, earliest: all retained", low: 0, high: 100, committed: -1, reset: .earliest,
                lag: 100, losing: false),
            LagCase(
                name: "never committed after retention: only what exists", low: 30, high: 100, committed: -1,
                reset: .earliest, lag: 70, losing: false),
            LagCase(
                name: "never committed, latest: nothing to read", low: 30, high: 100, committed: -1, reset: .latest,
                lag: 0, losing: false),
            LagCase(
                name: "empty partition never committed", low: 0, high: 0, committed: -1, reset: .earliest, lag: 0,
                losing: false),
            LagCase(name: "caught up", low: 50, high: 50, committed: 50, reset: .earliest, lag: 0, losing: false),
            LagCase(
                name: "retention passed the commit (LOSS)", low: 80, high: 100, committed: 40, reset: .earliest,
                lag: 20, losing: true),
        ])
    func partitionLag(_ example: LagCase) {
        let sample = PartitionLagSample(
            partition: 0, lowWatermark: example.low, highWatermark: example.high, committedOffset: example.committed)
        #expect(sample.lag(resetPolicy: example.reset) == example.lag)
        #expect(sample.isLosingData == example.losing)
    }

    @Test("Input rate sums watermark growth, processing rate sums commit growth, trend follows lag")
    func rates() {
        var window = LagWindow()
        window.append(
            SampleFixtures.sample(at: 0, replicas: 2, [(0, 1_000, 1_000), (0, 1_000, 1_000), (0, 1_000, 1_000)]))
        window.append(
            SampleFixtures.sample(at: 2, replicas: 2, [(0, 2_000, 1_500), (0, 2_000, 1_500), (0, 2_000, 1_500)]))
        let estimates = window.estimates
        #expect(estimates.lag == 1_500)
        #expect(estimates.inputRate == 1_500)
        #expect(estimates.processingRate == 750)
        #expect(estimates.lagTrend == 750)
        #expect(estimates.partitions == 3)
    }

    @Test("A rewound commit is not negative throughput; a first commit counts from the low watermark")
    func offsetJumps() {
        var window = LagWindow()
        window.append(SampleFixtures.sample(at: 0, replicas: 1, [(0, 1_000, 800), (0, 500, -1)]))
        window.append(SampleFixtures.sample(at: 2, replicas: 1, [(0, 1_000, 300), (0, 500, 200)]))
        #expect(window.estimates.processingRate == 100)
    }

    @Test("The per-replica rate is learnt only while busy and smoothed")
    func perReplicaRate() {
        var window = LagWindow(configuration: .init(rateSmoothing: 0.5))
        // Idle: lag stays under the busy threshold, so 400/s says nothing of capacity.
        window.append(SampleFixtures.single(at: 0, high: 1_000, committed: 990))
        window.append(SampleFixtures.single(at: 2, high: 1_800, committed: 1_790))
        #expect(window.estimates.perReplicaRate == nil)
        #expect(window.estimates.perReplicaRateSource == .unknown)
        // Saturation begins: not learnt until it held over two whole intervals.
        window.append(SampleFixtures.single(at: 4, high: 12_000, committed: 3_790))
        window.append(SampleFixtures.single(at: 6, high: 20_000, committed: 5_790))
        #expect(window.estimates.perReplicaRate == nil)
        // Saturated: one replica commits 2,000 in 2 s -> 1,000/s.
        window.append(SampleFixtures.single(at: 8, high: 28_000, committed: 7_790))
        #expect(window.estimates.perReplicaRate == 1_000)
        // Saturated at 600/s: the estimate moves halfway.
        window.append(SampleFixtures.single(at: 10, high: 36_000, committed: 8_990))
        #expect(window.estimates.perReplicaRate == 800)
        #expect(window.estimates.perReplicaRateSource == .measured)
        // Replicas changed within the interval (a rebalance): not learnt from.
        window.append(SampleFixtures.single(at: 12, replicas: 2, high: 44_000, committed: 18_990))
        #expect(window.estimates.perReplicaRate == 800)
        // Caught up: the interval ends idle and is not learnt from.
        window.append(SampleFixtures.single(at: 14, replicas: 2, high: 44_000, committed: 44_000))
        #expect(window.estimates.perReplicaRate == 800)
    }

    @Test("A rate the workers report is used from the first sample, ahead of what lag shows and of the prior")
    func reportedRate() {
        var window = LagWindow(configuration: .init(perReplicaRatePrior: 50))
        // Idle for lag's purposes: lag could not tell the capacity, the workers can.
        window.append(SampleFixtures.single(at: 0, high: 300, committed: 300))
        #expect(window.estimates.perReplicaRateSource == .prior)
        window.reportedPerReplicaRate = 1_250
        window.append(SampleFixtures.single(at: 2, high: 600, committed: 600))
        #expect(window.estimates.perReplicaRate == 1_250)
        #expect(window.estimates.perReplicaRateSource == .reported)
        // The reports stop (the workers went away): back to the prior.
        window.reportedPerReplicaRate = nil
        #expect(window.estimates.perReplicaRate == 50)
        #expect(window.estimates.perReplicaRateSource == .prior)
    }

    @Test("A drain in which one replica's partition ran dry says nothing of capacity")
    func unevenDrain() {
        var window = LagWindow()
        // Two replicas, one partition each: partition 0 drains a backlog, partition 1 keeps up.
        for (index, second) in [0, 2, 4, 6].enumerated() {
            let step = Int64(index)
            window.append(
                SampleFixtures.sample(
                    at: second, replicas: 2,
                    [
                        (0, 50_000 + step * 1_000, 10_000 + step * 2_000),
                        (0, 1_000 + step * 1_000, 1_000 + step * 1_000),
                    ]))
        }
        #expect(window.estimates.perReplicaRate == nil)
        #expect(window.estimates.lag == 37_000)
    }

    @Test("A configured prior stands in until a rate is measured")
    func prior() {
        var window = LagWindow(configuration: .init(perReplicaRatePrior: 500))
        window.append(SampleFixtures.single(at: 0, high: 10, committed: 10))
        #expect(window.estimates.perReplicaRate == 500)
        #expect(window.estimates.perReplicaRateSource == .prior)
    }

    @Test("The window keeps only its capacity and ignores samples out of order")
    func bounded() {
        var window = LagWindow(configuration: .init(windowCapacity: 4))
        for second in stride(from: 0, through: 20, by: 2) {
            window.append(SampleFixtures.single(at: second, high: Int64(second * 10), committed: 0))
        }
        window.append(SampleFixtures.single(at: 3, high: 0, committed: 0))
        #expect(window.samples.map(\.time) == [.seconds(14), .seconds(16), .seconds(18), .seconds(20)])
    }
}
