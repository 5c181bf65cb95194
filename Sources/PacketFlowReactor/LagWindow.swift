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
    /// Messages per second one replica handles when busy, as its workers report it; preferred
    /// over what lag reveals (which needs saturated intervals to learn anything).
    public var reportedPerReplicaRate: Double?

    /// Creates an empty window.
    public init(configuration: AutoscalerConfiguration = .init()) {
        self.configuration = configuration
    }

    /// Adds a sample, drops the oldest beyond capacity and updates the per-replica rate.
    ///
    /// The per-replica rate learns from the newest interval only when the workers were
    /// saturated throughout it: the same ready replicas at the last three samples (a change
    /// means a rebalance, whose pause can spill into the next interval) and every partition
    /// that has data saturated at all three. A partition is saturated when its lag is at least
    /// its share of ``AutoscalerConfiguration/busyLagThreshold`` and either grew over both
    /// intervals (by more than that share and a tenth of its input) or stayed a backlog
    /// (more than ``AutoscalerConfiguration/backlogTolerance`` of its input). Lag that merely
    /// waits for the next commit is neither, so an idle stage never passes its input off as
    /// its capacity; a partition run dry means its consumer idled, so a drain with uneven
    /// assignment is not mistaken for slow workers.
    public mutating func append(_ sample: StageSample) {
        if let previous = samples.last {
            guard sample.time > previous.time else { return }
            if samples.count >= 2 { learnPerReplicaRate(from: samples[samples.count - 2], previous, to: sample) }
        }
        samples.append(sample)
        if samples.count > max(configuration.windowCapacity, 2) {
            samples.removeFirst(samples.count - max(configuration.windowCapacity, 2))
        }
    }

    /// The latest sample, if any.
    public var latest: StageSample? { samples.last }

    /// The current estimates; all zero (and the rate unknown or the prior) when empty.
    ///
    /// The input rate is the larger of the rate over the span and over each of the two newest
    /// intervals, so a step up in input shows within two samples while a dip is smoothed: scale
    /// out fast, scale in slowly. One interval alone does not count: a burst (an upstream stage
    /// catching up after a pause) is lag the catch-up term drains, not lasting input.
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
        let newest = Self.rates(from: samples[max(0, samples.count - 2)], to: last, resetPolicy: reset)
        let previous = samples.count >= 3
            ? Self.rates(from: samples[samples.count - 3], to: samples[samples.count - 2], resetPolicy: reset) : newest
        let seconds = (last.time - first.time).inSeconds
        let trend = seconds > 0 ? Double(lag - first.totalLag(resetPolicy: reset)) / seconds : 0
        return LagEstimates(
            lag: lag, inputRate: max(rates.input, min(newest.input, previous.input)), processingRate: rates.processing, lagTrend: trend,
            perReplicaRate: perReplicaRate.value, perReplicaRateSource: perReplicaRate.source,
            readyReplicas: last.readyReplicas, partitions: last.partitions.count)
    }

    private var perReplicaRate: (value: Double?, source: LagEstimates.RateSource) {
        if let reportedPerReplicaRate, reportedPerReplicaRate > 0 { return (reportedPerReplicaRate, .reported) }
        if let smoothedPerReplicaRate { return (smoothedPerReplicaRate, .measured) }
        if let prior = configuration.perReplicaRatePrior { return (prior, .prior) }
        return (nil, .unknown)
    }

    private mutating func learnPerReplicaRate(
        from first: StageSample, _ previous: StageSample, to sample: StageSample
    ) {
        let replicas = sample.readyReplicas
        guard replicas > 0, previous.readyReplicas == replicas, first.readyReplicas == replicas,
            isSaturated(first, previous, sample)
        else { return }
        let rates = Self.rates(from: previous, to: sample, resetPolicy: configuration.resetPolicy)
        let observed = rates.processing / Double(min(replicas, max(sample.partitions.count, 1)))
        guard observed > 0 else { return }
        let weight = min(max(configuration.rateSmoothing, 0), 1)
        smoothedPerReplicaRate = smoothedPerReplicaRate.map { weight * observed + (1 - weight) * $0 } ?? observed
    }

    private func isSaturated(_ first: StageSample, _ previous: StageSample, _ sample: StageSample) -> Bool {
        let reset = configuration.resetPolicy
        let share = Double(configuration.busyLagThreshold) / Double(max(sample.partitions.count, 1))
        let seconds = [(previous.time - first.time).inSeconds, (sample.time - previous.time).inSeconds]
        var sawData = false
        for newest in sample.partitions {
            guard let oldest = first.partition(newest.partition), let middle = previous.partition(newest.partition)
            else { return false }
            let points = [oldest, middle, newest]
            let lags = points.map { Double($0.lag(resetPolicy: reset)) }
            let input = Double(max(0, newest.highWatermark - oldest.highWatermark)) / (seconds[0] + seconds[1])
            if input == 0 && lags.allSatisfy({ $0 == 0 }) { continue }
            sawData = true
            guard lags.allSatisfy({ $0 >= share }) else { return false }
            let backlog = input * configuration.backlogTolerance.inSeconds
            let grew = zip(zip(lags, lags.dropFirst()), seconds).allSatisfy { pair, interval in
                pair.1 - pair.0 > share + 0.1 * input * interval
            }
            guard grew || lags.allSatisfy({ $0 > backlog }) else { return false }
        }
        return sawData
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
