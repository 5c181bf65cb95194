/// The behaviour a group prescribes: one row of the periodic table.
///
/// Every value here has a reason written in docs/periodic-table.md. Components read these
/// properties instead of asking the user; a molecule file may override scaling bounds,
/// retries and timeouts per packet.
public struct GroupProperties: Sendable, Hashable {
    /// Whether packets must be handled in order per key or may run in parallel.
    public var ordering: Ordering
    /// How quickly a packet should move from producer to handler.
    public var latency: LatencyClass
    /// Partitions of a topic whose consumers are of this group, when nothing else is declared.
    public var defaultPartitions: Int
    /// Handler calls one worker runs at once (per partition for ordered groups).
    public var concurrencyPerWorker: Int
    /// Settings for consumers of this group's topics.
    public var consumer: ConsumerTuning
    /// Settings for producers writing this group's packets.
    public var producer: ProducerTuning
    /// How failed handler calls are retried before the dead-letter topic.
    public var retry: RetryPolicy
    /// How the reactor sizes a stage of this group.
    public var scaling: ScalingPolicy
    /// The kind of node a stage of this group belongs on.
    public var placement: PlacementClass
    /// What a stage of this group does besides calling its handlers.
    public var duties: Duties = []

    /// Work a group's stages do around their handlers.
    public struct Duties: OptionSet, Sendable, Hashable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// A packet past its `pf-deadline` goes to the dead-letter topic unhandled: a late
        /// event is worth less than none (ED).
        public static let checksDeadlines = Duties(rawValue: 1 << 0)
        /// Packets with one correlation key are held until a quorum or a window, then leave
        /// as one (CO).
        public static let gathers = Duties(rawValue: 1 << 1)
        /// Results also go to the control topic, which the reactor reads (MC).
        public static let reportsToReactor = Duties(rawValue: 1 << 2)
        /// A cache and a token budget stand in front of the handlers (RM).
        public static let guardsResources = Duties(rawValue: 1 << 3)
    }

    /// Ordering guarantee of a group.
    public enum Ordering: String, Sendable, Hashable, Codable {
        /// One packet at a time per partition; packets with one key keep their order.
        case sequentialPerKey = "sequential-per-key"
        /// Any number at a time; no order between packets.
        case parallel
    }

    /// Latency class of a group.
    public enum LatencyClass: String, Sendable, Hashable, Codable {
        /// Throughput first: batch generously.
        case throughput
        /// Balanced batching and latency.
        case standard
        /// Latency first: small batches, short fetch waits.
        case low
    }

    /// Where a stage runs best.
    public enum PlacementClass: String, Sendable, Hashable, Codable, CaseIterable {
        /// Fast single-thread nodes for ordered work.
        case sequentialNode = "sequential-node"
        /// A pool of many cores for parallel work.
        case parallelPool = "parallel-pool"
        /// Low-latency nodes close to the event source.
        case edge
        /// Nodes with reliable networking for coordination.
        case coordinator
        /// The control plane, next to the reactor.
        case control
        /// Nodes that own caches and budgets.
        case resource
    }

    /// Consumer settings of a group.
    public struct ConsumerTuning: Sendable, Hashable {
        /// Longest time a fetch waits for data before returning empty (librdkafka fetch.wait.max.ms).
        public var fetchWaitMax: Duration
        /// Most messages handed to the handler loop in one poll.
        public var maxBatch: Int
    }

    /// Producer settings of a group.
    public struct ProducerTuning: Sendable, Hashable {
        /// How long the producer waits to fill a batch (librdkafka linger.ms).
        public var linger: Duration
        /// Most messages in one batch (librdkafka batch.num.messages).
        public var batchMessages: Int
    }

    /// Retry policy of a group: exponential backoff up to a number of attempts.
    public struct RetryPolicy: Sendable, Hashable {
        /// Attempts in all, the first included; after the last, the dead-letter topic.
        public var maxAttempts: Int
        /// Wait before the second attempt.
        public var initialBackoff: Duration
        /// Longest wait between attempts.
        public var maxBackoff: Duration

        /// The wait before attempt `attempt` (2 is the first retry): doubles up to ``maxBackoff``.
        public func backoff(beforeAttempt attempt: Int) -> Duration {
            guard attempt > 1 else { return .zero }
            var wait = initialBackoff
            for _ in 2..<attempt {
                wait = wait * 2
                if wait >= maxBackoff { return maxBackoff }
            }
            return min(wait, maxBackoff)
        }
    }

    /// Scaling policy of a group, read by the reactor's autoscaler.
    public struct ScalingPolicy: Sendable, Hashable {
        /// Replicas kept running even without load (warm capacity).
        public var minReplicas: Int
        /// Replicas the autoscaler may reach when nothing is declared.
        public var maxReplicas: Int
        /// Largest factor one scale-out step may multiply replicas by.
        public var scaleOutFactor: Double
        /// Whether the partition count caps parallelism (ordered groups: one consumer per partition).
        public var orderingCapsParallelism: Bool
        /// How long load must stay low before the reactor scales in.
        public var scaleInStabilization: Duration
    }
}
