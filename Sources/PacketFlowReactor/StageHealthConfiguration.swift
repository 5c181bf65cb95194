/// Thresholds of the stage health evaluator.
///
/// Defaults are explained in docs/autoscaling.md ("Health").
public struct StageHealthConfiguration: Sendable, Hashable {
    /// Lag per partition (messages) that is always OK. Default: 0, as in Burrow.
    public var allowedLag: Int64
    /// Samples of a partition needed before anything but LOSS is judged. Default: 3.
    public var minimumSamples: Int
    /// Dead-lettered packets in the last minute that make a storm. Default: 100.
    public var deadLetterStorm: Int
    /// Fraction of failed handler calls in the last minute that makes a stage unstable.
    /// Default: 0.2.
    public var failureRateLimit: Double
    /// Handler calls in the last minute needed before the failure rate is judged. Default: 20.
    public var minimumCallsForFailureRate: Int
    /// Worker restarts (in the caller's recent period, e.g. ten minutes) that make a crash
    /// loop: the stage is unstable and no further restart is suggested. Default: 3.
    public var restartLimit: Int
    /// How a partition without a commit is read. Default: ``OffsetResetPolicy/earliest``.
    public var resetPolicy: OffsetResetPolicy

    /// Creates a configuration; every parameter has the default documented on its property.
    public init(
        allowedLag: Int64 = 0,
        minimumSamples: Int = 3,
        deadLetterStorm: Int = 100,
        failureRateLimit: Double = 0.2,
        minimumCallsForFailureRate: Int = 20,
        restartLimit: Int = 3,
        resetPolicy: OffsetResetPolicy = .earliest
    ) {
        self.allowedLag = allowedLag
        self.minimumSamples = minimumSamples
        self.deadLetterStorm = deadLetterStorm
        self.failureRateLimit = failureRateLimit
        self.minimumCallsForFailureRate = minimumCallsForFailureRate
        self.restartLimit = restartLimit
        self.resetPolicy = resetPolicy
    }
}
