import PacketFlowReactor

/// Builders for offset samples in tests: one line per sample instead of nested initializers.
enum SampleFixtures {
    /// A sample at `seconds` where partition `i` has `offsets[i]` = (low, high, committed).
    static func sample(
        at seconds: Int, replicas: Int, _ offsets: [(low: Int64, high: Int64, committed: Int64)]
    ) -> StageSample {
        StageSample(
            time: .seconds(seconds), readyReplicas: replicas,
            partitions: offsets.enumerated().map { index, offset in
                PartitionLagSample(
                    partition: Int32(index), lowWatermark: offset.low, highWatermark: offset.high,
                    committedOffset: offset.committed)
            })
    }

    /// A one-partition sample with low watermark 0.
    static func single(at seconds: Int, replicas: Int = 1, high: Int64, committed: Int64, low: Int64 = 0) -> StageSample
    {
        sample(at: seconds, replicas: replicas, [(low, high, committed)])
    }

    /// Estimates built directly, for decision tables.
    static func estimates(
        lag: Int64, input: Double, trend: Double = 0, perReplica: Double?, source: LagEstimates.RateSource? = nil,
        ready: Int = 1, partitions: Int = 12
    ) -> LagEstimates {
        LagEstimates(
            lag: lag, inputRate: input, processingRate: max(0, input - trend), lagTrend: trend,
            perReplicaRate: perReplica, perReplicaRateSource: source, readyReplicas: ready, partitions: partitions)
    }
}
