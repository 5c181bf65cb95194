import PacketFlowCore
import PacketFlowLanguage

/// How a worker runs one stage: where Kafka is, which stage, and the knobs a molecule file
/// does not hold.
///
/// Consumer and producer settings come from the stage's group (its row of the periodic table:
/// fetch wait, batch sizes, linger); `consumerProperties` and `producerProperties` pass raw
/// librdkafka properties through and win over them.
public struct WorkerConfiguration: Sendable {
    /// The planned molecule.
    public var plan: TopologyPlan
    /// The stage to run (its first packet's name).
    public var stage: String
    /// Comma-separated `host:port` list of brokers.
    public var bootstrapServers: String
    /// How long the group waits for a silent worker before handing its partitions to the
    /// others (`session.timeout.ms`). Default: 6 s, so a killed worker's partitions move
    /// quickly.
    public var sessionTimeout: Duration = .seconds(6)
    /// How often finished offsets are committed. Default: 500 ms.
    public var commitInterval: Duration = .milliseconds(500)
    /// Most packets taken from Kafka and not yet finished, per worker. Default: 10,000.
    public var maxInFlight: Int = 10_000
    /// Longest a graceful shutdown waits for in-flight packets. Default: 60 s.
    public var drainTimeout: Duration = .seconds(60)
    /// Longest a rebalance waits for the running packets of revoked partitions before handing
    /// them over (their outputs may then repeat). The whole group waits meanwhile.
    /// Default: 15 s.
    public var revocationTimeout: Duration = .seconds(15)
    /// How long a worker waits after a rebalance before fetching the partitions it was given,
    /// so that a previous owner's hand-over commit lands first: a partition is revoked (and its
    /// position committed) in one round of a cooperative rebalance and assigned in the next,
    /// but should the group refuse that commit (the embedded cluster does until every member has
    /// synced), the previous owner commits again when the next round ends, trying for up to
    /// twice this long, as the new owner waits. Default: 1 s.
    public var handoverDelay: Duration = .seconds(1)
    /// Resource-management (RM) stages: the budget's tokens per second. Default: 100.
    public var budgetRate: Double = 100
    /// Resource-management (RM) stages: entries of the handler cache. Default: 10,000.
    public var cacheCapacity: Int = 10_000
    /// Where meta-computational (MC) stages also send their results, and where every worker
    /// reports its load. Default: `pf.control`.
    public var controlTopic: String = "pf.control"
    /// How often the worker reports its load (a `WorkerLoadReport` on the control topic) for
    /// the reactor's autoscaler. Default: 2 s, the reactor's sampling interval.
    public var loadReportInterval: Duration = .seconds(2)
    /// Raw librdkafka consumer properties, applied last. Default: empty.
    public var consumerProperties: [String: String] = [:]
    /// Raw librdkafka producer properties, applied last. Default: empty.
    public var producerProperties: [String: String] = [:]

    /// A configuration for `stage` of `plan` on the cluster at `bootstrapServers`.
    public init(plan: TopologyPlan, stage: String, bootstrapServers: String) {
        self.plan = plan
        self.stage = stage
        self.bootstrapServers = bootstrapServers
    }

    /// The stage's plan; throws ``RuntimeError`` (`unknownStage`) naming the stages there are.
    public func stagePlan() throws -> StagePlan {
        guard let stage = plan.stage(named: stage) else {
            let names = plan.stages.map(\.name).joined(separator: ", ")
            throw RuntimeError(.unknownStage, "molecule \(plan.molecule) has no stage \(self.stage); its stages are \(names)")
        }
        return stage
    }

    /// A topic the stage needs: the partitions and configs the plan gives it, and whether an
    /// existing one with fewer partitions is used as it is (a topic PacketFlow does not manage).
    public struct RequiredTopic: Sendable, Hashable {
        public var name: String
        public var partitions: Int
        public var configs: [String: String]
        public var acceptsFewerPartitions: Bool
    }

    /// The topics the stage reads and writes: inputs, outputs, state stores, the dead-letter
    /// topic and, for MC stages, the control topic.
    ///
    /// Sorted by name. Create them before starting the worker (`TopicProvisioner.ensureTopics`).
    public func requiredTopics() throws -> [RequiredTopic] {
        let stage = try stagePlan()
        var names = Set(stage.inputTopics + stage.outputTopics + stage.stateStores + [plan.deadLetterTopic])
        if stage.behaviour.reportsToReactor { names.insert(controlTopic) }
        return names.sorted().map { name in
            let topic = plan.topic(named: name)
            return RequiredTopic(
                name: name, partitions: topic?.partitions ?? 1, configs: plan.kafkaConfigs(ofTopic: name),
                acceptsFewerPartitions: topic.map { !$0.managed } ?? false)
        }
    }
}
