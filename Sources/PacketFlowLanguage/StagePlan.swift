import PacketFlowCore

/// One stage of a plan: a consumer group running one packet, or a covalent chain of packets
/// in one process.
///
/// A worker of the stage consumes ``inputTopics`` with ``consumerGroup``, runs each message
/// through ``packets`` in order (one packet's result is the next one's input), and produces
/// the last packet's result to every topic of ``outputTopics``. After ``retries`` failed
/// retries a message goes to ``deadLetterTopic``.
public struct StagePlan: Sendable, Hashable, Codable {
    /// The stage's name: the name of its first packet.
    public var name: String
    /// The packets, in the order a message passes through them.
    public var packets: [StagePacket]
    /// The group of the first packet, which the whole stage runs as.
    public var group: PacketGroup
    /// Consumer group id: `pf.<molecule>.<stage>`.
    public var consumerGroup: String
    /// Topics the stage consumes, sorted.
    public var inputTopics: [String]
    /// Topics the stage's results go to, sorted; each gets every result.
    public var outputTopics: [String]
    /// Partitions of the stage's bond topics: declared, or the larger of the group's default and
    /// the scaling maximum, so every replica the reactor may start has a partition.
    public var partitions: Int
    /// Handler calls one replica runs at once.
    public var concurrency: Int
    /// Whether messages with one key are handled one at a time, in order.
    public var ordering: GroupProperties.Ordering
    /// The replica range the reactor keeps the stage in.
    public var scaling: ScalingBounds
    /// The kind of node the stage runs on.
    public var placement: GroupProperties.PlacementClass
    /// Retries after the first attempt.
    public var retries: Int
    /// Wait before the first retry, doubling up to ``maxBackoff``.
    @Milliseconds public var initialBackoff: Duration
    /// Longest wait between retries.
    @Milliseconds public var maxBackoff: Duration
    /// Longest one handler call may take before it counts as failed.
    @Milliseconds public var timeout: Duration
    /// The payload field that keys (partitions and orders) the stage's input, if declared.
    public var key: String?
    /// State stores the stage's packets share through metallic bonds, sorted.
    public var stateStores: [String]
    /// The molecule's dead-letter topic.
    public var deadLetterTopic: String
    /// How a collective (CO) stage gathers its packets; `nil` for every other group.
    public var collective: Collective?
    /// How workers take, send and check the stage's packets, from its group's row.
    public var behaviour: StageBehaviour

    /// How a collective stage gathers: packets with one correlation key (the stage's ``key``
    /// field, else the Kafka key) are held until ``quorum`` of them arrived, then leave as one
    /// packet; a group still short after ``window`` leaves incomplete.
    public struct Collective: Sendable, Hashable, Codable {
        /// Members a group waits for. Default: 2.
        public var quorum: Int
        /// Longest a group waits for its quorum. Default: 5 s.
        @Milliseconds public var window: Duration

        /// Creates the gathering rule.
        public init(quorum: Int, window: Duration) {
            self.quorum = quorum
            self.window = window
        }
    }

    /// Creates a stage plan.
    public init(
        name: String, packets: [StagePacket], group: PacketGroup, consumerGroup: String,
        inputTopics: [String], outputTopics: [String], partitions: Int, concurrency: Int,
        ordering: GroupProperties.Ordering, scaling: ScalingBounds, placement: GroupProperties.PlacementClass,
        retries: Int, initialBackoff: Duration, maxBackoff: Duration, timeout: Duration,
        key: String?, stateStores: [String], deadLetterTopic: String, collective: Collective? = nil,
        behaviour: StageBehaviour
    ) {
        self.name = name
        self.packets = packets
        self.group = group
        self.consumerGroup = consumerGroup
        self.inputTopics = inputTopics
        self.outputTopics = outputTopics
        self.partitions = partitions
        self.concurrency = concurrency
        self.ordering = ordering
        self.scaling = scaling
        self.placement = placement
        self.retries = retries
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.timeout = timeout
        self.key = key
        self.stateStores = stateStores
        self.deadLetterTopic = deadLetterTopic
        self.collective = collective
        self.behaviour = behaviour
    }
}
