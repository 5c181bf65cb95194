/// What a ``LagWindow`` derives from its samples: the inputs of the autoscaler's model.
///
/// Rates are messages per second over the window's most recent samples
/// (``AutoscalerConfiguration/rateSpan``); they are 0 until two samples exist.
public struct LagEstimates: Sendable, Hashable {
    /// Total lag at the latest sample, in messages.
    public var lag: Int64
    /// Messages produced to the input topic per second (growth of the high watermarks); from a
    /// ``LagWindow``, the larger of the span's rate and the newest interval's.
    public var inputRate: Double
    /// Messages the stage committed per second (growth of its positions).
    public var processingRate: Double
    /// Change of the lag per second: positive while the stage falls behind.
    public var lagTrend: Double
    /// Smoothed messages per second one replica handles when busy, or `nil` while unknown.
    public var perReplicaRate: Double?
    /// Where ``perReplicaRate`` comes from.
    public var perReplicaRateSource: RateSource
    /// Ready replicas at the latest sample.
    public var readyReplicas: Int
    /// Partitions at the latest sample.
    public var partitions: Int
    /// What the stages feeding this one pass on in steady state (their own sustained input
    /// times their outputs per input), or `nil` when unknown or when the stage also reads a
    /// topic no stage writes. Above it, ``inputRate`` is an upstream stage catching up on its
    /// backlog: a burst that ends, which the model does not size for.
    public var sustainedInputRate: Double?

    /// The input rate the model sizes for: ``inputRate``, but no more than ``sustainedInputRate``.
    public var lastingInputRate: Double { min(inputRate, sustainedInputRate ?? .infinity) }

    /// The origin of a per-replica rate.
    public enum RateSource: String, Sendable, Hashable {
        /// Reported by the workers themselves: inputs handled per second of busy time.
        case reported
        /// Inferred from lag while the stage was saturated.
        case measured
        /// The configured prior; nothing measured yet.
        case prior
        /// Neither measured nor configured.
        case unknown
    }

    /// Creates estimates; tests and simulations build them directly.
    public init(
        lag: Int64,
        inputRate: Double,
        processingRate: Double,
        lagTrend: Double,
        perReplicaRate: Double?,
        perReplicaRateSource: RateSource? = nil,
        readyReplicas: Int,
        partitions: Int
    ) {
        self.lag = lag
        self.inputRate = inputRate
        self.processingRate = processingRate
        self.lagTrend = lagTrend
        self.perReplicaRate = perReplicaRate
        self.perReplicaRateSource = perReplicaRateSource ?? (perReplicaRate == nil ? .unknown : .measured)
        self.readyReplicas = readyReplicas
        self.partitions = partitions
    }
}
