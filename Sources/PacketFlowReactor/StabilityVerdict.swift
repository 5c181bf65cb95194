import PacketFlowCore

/// The health evaluator's judgement of one stage: status, stability, reasons and repairs.
public struct StabilityVerdict: Sendable, Hashable {
    /// The stage judged.
    public var stage: String
    /// The stage's group.
    public var group: PacketGroup
    /// The worst partition status.
    public var status: PartitionStatus
    /// Whether workers of the stage keep exiting soon after they start.
    public var crashLooping: Bool
    /// The status of every partition, by partition number.
    public var partitions: [PartitionHealth]
    /// False when any partition is in error, data was lost, dead letters storm, handlers fail
    /// too often or workers crash-loop.
    public var isStable: Bool
    /// Each finding in words, e.g. "120 dead-lettered in the last minute (storm)".
    public var reasons: [String]
    /// Repairs to make, in order.
    public var reactions: [HealingReaction]

    /// The status of one partition.
    public struct PartitionHealth: Sendable, Hashable {
        /// The partition number.
        public var partition: Int32
        /// Its status.
        public var status: PartitionStatus
        /// Its lag at the latest sample.
        public var lag: Int64

        /// Creates a partition's health.
        public init(partition: Int32, status: PartitionStatus, lag: Int64) {
            self.partition = partition
            self.status = status
            self.lag = lag
        }
    }

    /// Creates a verdict.
    public init(
        stage: String, group: PacketGroup, status: PartitionStatus, partitions: [PartitionHealth],
        isStable: Bool, reasons: [String], reactions: [HealingReaction], crashLooping: Bool = false
    ) {
        self.stage = stage
        self.group = group
        self.status = status
        self.crashLooping = crashLooping
        self.partitions = partitions
        self.isStable = isStable
        self.reasons = reasons
        self.reactions = reactions
    }

    /// The health shown in `packetflow status`, the metrics and the web page: CRASHLOOP while
    /// workers keep exiting (as Kubernetes' CrashLoopBackOff), else the worst partition's status.
    public var health: String { crashLooping ? Self.crashLoopHealth : status.rawValue }

    /// The health of a stage whose workers keep exiting.
    public static let crashLoopHealth = "CRASHLOOP"

    /// One line for `packetflow status`, e.g. "SavePacket unstable: 120 dead-lettered in the
    /// last minute (storm), 3 restarts".
    public var explanation: String {
        let verdict = "\(stage) \(isStable ? "stable" : "unstable")"
        return reasons.isEmpty ? verdict : "\(verdict): \(reasons.joined(separator: ", "))"
    }
}
