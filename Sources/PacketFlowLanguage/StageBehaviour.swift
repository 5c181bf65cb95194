import PacketFlowCore

/// How a stage's workers take, send and check its packets: its group's row of the periodic
/// table (docs/periodic-table.md), resolved once when the molecule is planned.
///
/// The worker reads this and never the group itself, so what a group means to the runtime is
/// decided here and in ``GroupProperties`` alone.
public struct StageBehaviour: Sendable, Hashable, Codable {
    /// Throughput first, balanced or latency first: latency-first stages hand on whatever has
    /// arrived instead of filling a batch, and handlers that wait get a task per packet.
    public var latency: GroupProperties.LatencyClass
    /// Longest a fetch waits for data before returning empty.
    @Milliseconds public var fetchWait: Duration
    /// Most messages handed on from one poll.
    public var maxBatch: Int
    /// How long the producer waits to fill a batch.
    @Milliseconds public var linger: Duration
    /// Most messages in one produce batch.
    public var batchMessages: Int
    /// Whether a packet past its deadline goes to the dead-letter topic unhandled.
    public var checksDeadlines: Bool
    /// Whether results also go to the control topic, which the reactor reads.
    public var reportsToReactor: Bool
    /// Whether a cache and a token budget stand in front of the handlers.
    public var guardsResources: Bool

    /// The behaviour a group's row prescribes.
    public init(_ properties: GroupProperties) {
        latency = properties.latency
        fetchWait = properties.consumer.fetchWaitMax
        maxBatch = properties.consumer.maxBatch
        linger = properties.producer.linger
        batchMessages = properties.producer.batchMessages
        checksDeadlines = properties.duties.contains(.checksDeadlines)
        reportsToReactor = properties.duties.contains(.reportsToReactor)
        guardsResources = properties.duties.contains(.guardsResources)
    }
}
