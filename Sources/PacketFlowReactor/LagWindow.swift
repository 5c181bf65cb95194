/// The recent offset samples of one stage and the rates measured from them.
///
/// A value type: the reactor keeps one per stage, appends every sample with ``append(_:)``
/// and reads ``estimates`` before each decision. It holds at most
/// ``AutoscalerConfiguration/windowCapacity`` samples (the oldest drop out) and a smoothed
/// per-replica rate that survives the samples it was measured from.
///
/// Rates sum per-partition differences between two samples, over partitions present in
/// both, and ignore negative steps (a rewound commit or a recreated topic is not negative
/// throughput). Samples must be appended in time order; one not later than the last is ignored.
public struct LagWindow: Sendable, Hashable {
    /// The configuration the window was made with.
    public let configuration: AutoscalerConfiguration
    /// The samples, oldest first.
    public private(set) var samples: [StageSample] = []
    private var smoothedPerReplicaRate: Double?

    /// Creates an empty window.
    public init(configuration: AutoscalerConfiguration = .init()) {
        self.configuration = configuration
    }

    /// Adds a sample, drops the oldest beyond capacity and updates the per-replica rate.
    ///
    /// The per-replica rate learns only from an interval in which the stage was busy (lag
    /// at least ``AutoscalerConfiguration/busyLagThreshold`` at both ends) with the same ready
    /// replicas at both ends: only then does processing rate / replicas measure capacity
    /// rather than the input.
    public mutating func append(_ sample: StageSample) {
        if let previous = samples.last {
            guard sample.time > previous.time else { return }
            learnPerReplicaRate(from: previous, to: sample)
        }
        samples.append(sample)
        if samples.count > max(configuration.windowCapacity, 2) {
            samples.removeFirst(samples.count - max(configuration.windowCapacity, 2))
        }
    }

    /// The latest sample, if any.
    public var latest: StageSample? { samples.last }

    /// The current estimates; all zero (and the rate unknown or the prior) when empty.
    public var estimates: LagEstimates {
        let reset = configuration.resetPolicy
        guard let last = samples.last else {
            return LagEstimates(
                lag: 0, inputRate: 0, processingRate: 0, lagTrend: 0,
                perReplicaRate: perReplicaRate.value, perReplicaRateSource: perReplicaRate.source,
                readyReplicas: 0, partitions: 0)
        }
        let first = samples[max(0, samples.count - max(configuration.rateSpan, 2))]
        let lag = last.totalLag(resetPolicy: reset)
        let rates = Self.rates(from: first, to: last, resetPolicy: reset)
        let seconds = (last.time - first.time).inSeconds
        let trend = seconds > 0 ? Double(lag - first.totalLag(resetPolicy: reset)) / seconds : 0
        return LagEstimates(
            lag: lag, inputRate: rates.input, processingRate: rates.processing, lagTrend: trend,
            perReplicaRate: perReplicaRate.value, perReplicaRateSource: perReplicaRate.source,
            readyReplicas: last.readyReplicas, partitions: last.partitions.count)
    }

    private var perReplicaRate: (value: Double?, source: LagEstimates.RateSource) {
        if let smoothedPerReplicaRate { return (smoothedPerReplicaRate, .measured) }
        if let prior = configuration.perReplicaRatePrior { return (prior, .prior) }
        return (nil, .unknown)
    }

    private mutating func learnPerReplicaRate(from previous: StageSample, to sample: StageSample) {
        let reset = configuration.resetPolicy
        let busy = configuration.busyLagThreshold
        guard previous.readyReplicas == sample.readyReplicas, sample.readyReplicas > 0,
            previous.totalLag(resetPolicy: reset) >= busy, sample.totalLag(resetPolicy: reset) >= busy
        else { return }
        let consumers = min(sample.readyReplicas, max(sample.partitions.count, 1))
        let observed = Self.rates(from: previous, to: sample, resetPolicy: reset).processing / Double(consumers)
        guard observed > 0 else { return }
        let weight = min(max(configuration.rateSmoothing, 0), 1)
        smoothedPerReplicaRate = smoothedPerReplicaRate.map { weight * observed + (1 - weight) * $0 } ?? observed
    }

    /// Input and processing rates between two samples, in messages per second.
    static func rates(
        from first: StageSample, to last: StageSample, resetPolicy: OffsetResetPolicy
    ) -> (input: Double, processing: Double) {
        let seconds = (last.time - first.time).inSeconds
        guard seconds > 0 else { return (0, 0) }
        var produced: Int64 = 0
        var consumed: Int64 = 0
        for now in last.partitions {
            guard let before = first.partition(now.partition) else { continue }
            produced += max(0, now.highWatermark - before.highWatermark)
            consumed += max(
                0, now.progressOffset(resetPolicy: resetPolicy) - before.progressOffset(resetPolicy: resetPolicy))
        }
        return (Double(produced) / seconds, Double(consumed) / seconds)
    }
}
