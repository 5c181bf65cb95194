/// One stage's chemistry as `packetflow status --json` and `GET /v1/molecules/{name}` show it.
public struct StageStatus: Sendable, Hashable, Codable {
    /// The stage (its first packet's name).
    public var stage: String
    /// The group symbol: CF, DF, ED, CO, MC or RM.
    public var group: String
    /// The stage's consumer group.
    public var consumerGroup: String
    /// Partitions of its input.
    public var partitions: Int
    /// Workers running now.
    public var runningReplicas: Int
    /// Workers the reactor wants.
    public var desiredReplicas: Int
    /// A manual count from `packetflow scale`, pinning the stage, or nil while autoscaled.
    public var manualReplicas: Int?
    /// Messages waiting, at the latest sample.
    public var lag: Int64
    /// Messages produced to the input per second.
    public var inputRate: Double
    /// Messages the stage commits per second.
    public var processingRate: Double
    /// Measured (or assumed) messages per second one worker handles, nil while unknown.
    public var perReplicaRate: Double?
    /// Where ``perReplicaRate`` comes from: `reported` (the workers' own load reports),
    /// `measured` (inferred from lag while saturated), `prior` or `unknown`.
    public var perReplicaRateSource: String?
    /// Workers whose load reports are fresh.
    public var reportingWorkers: Int?
    /// Records this stage put in the molecule's dead-letter topic (their `pf-dlq-stage`
    /// header names it), read since the topic's low watermark when the reactor started.
    public var deadLetters: Int64
    /// Of those, how many were written in the last minute (a storm at 100, by default).
    public var deadLettersLastMinute: Int
    /// Why the stage's workers are paused (they fetch nothing until `packetflow resume`), or
    /// nil while the stage runs.
    public var pausedReason: String?
    /// Whether the stage is paused: ``pausedReason`` is set.
    public var paused: Bool
    /// Worker restarts after crashes.
    public var restarts: Int
    /// The Burrow-style status: OK, WARN, STALL, STOP, REWIND or LOSS; CRASHLOOP
    /// (`StabilityVerdict.crashLoopHealth`) while workers keep exiting soon after they start.
    public var health: String
    /// Whether the stage is stable; false shows the reasons in ``healthReasons``.
    public var stable: Bool
    /// The health findings in words.
    public var healthReasons: [String]
    /// The last decision in words, e.g. "ComputePacket: inflow 5.2k/s > capacity 3.9k/s with
    /// 3 replicas, lag 41k rising: scaled 3 -> 5".
    public var lastDecision: String?
    /// The last decision's action: scale-out, scale-in, hold or manual.
    public var lastAction: String?
    /// The last decision's reason code.
    public var lastReason: String?
}
