/// What a molecule compiles to: the stages, topics, groups and stores the worker and the
/// reactor create and run.
///
/// Deterministic: the same molecule always gives an equal plan, whatever the order of its
/// bonds. Stages are in composition order; topics, state stores and hints are sorted by name.
/// Names follow ``TopologyNames``.
public struct TopologyPlan: Sendable, Hashable, Codable {
    /// The plan format's version; bumped when a field changes meaning.
    public static let formatVersion = 1

    /// ``formatVersion`` at the time the plan was made.
    public var version: Int
    /// The molecule's name.
    public var molecule: String
    /// The stages, in the composition order of their first packets.
    public var stages: [StagePlan]
    /// Every topic the molecule reads or writes, sorted by name.
    public var topics: [TopicPlan]
    /// Where packets go after their last failed attempt.
    public var deadLetterTopic: String
    /// One state store per metallic bond, sorted by name.
    public var stateStores: [StateStorePlan]
    /// One hint per weak bond between two different stages, sorted.
    public var placementHints: [PlacementHint]
    /// Connectors that receive the molecule's results, sorted by name.
    public var connectors: [ConnectorPlan]

    /// Creates a plan.
    public init(
        molecule: String, stages: [StagePlan], topics: [TopicPlan], deadLetterTopic: String,
        stateStores: [StateStorePlan], placementHints: [PlacementHint], connectors: [ConnectorPlan]
    ) {
        self.version = TopologyPlan.formatVersion
        self.molecule = molecule
        self.stages = stages
        self.topics = topics
        self.deadLetterTopic = deadLetterTopic
        self.stateStores = stateStores
        self.placementHints = placementHints
        self.connectors = connectors
    }

    /// The stage named `name`.
    public func stage(named name: String) -> StagePlan? {
        stages.first { $0.name == name }
    }

    /// The topic named `name`.
    public func topic(named name: String) -> TopicPlan? {
        topics.first { $0.name == name }
    }

    /// The configs to create topic `name` with (see ``TopicPlan/kafkaConfigs``); none for a
    /// topic the plan does not list.
    public func kafkaConfigs(ofTopic name: String) -> [String: String] {
        topic(named: name)?.kafkaConfigs ?? [:]
    }
}

extension TopologyPlan {
    /// This plan on a cluster where topics already exist with `partitions` (name to count):
    /// a topic PacketFlow does not manage (a user's source or sink) that has fewer partitions
    /// than planned is used as it is, and the stages reading it run at most that many replicas
    /// (a consumer group member beyond the partitions idles). Returns the plan and, for each
    /// such topic, a warning saying so.
    public func adopting(partitions: [String: Int]) -> (plan: TopologyPlan, warnings: [String]) {
        var plan = self
        var warnings: [String] = []
        for index in plan.topics.indices {
            let topic = plan.topics[index]
            guard !topic.managed, let existing = partitions[topic.name], existing < topic.partitions else { continue }
            plan.topics[index].partitions = existing
            let readers = plan.stages.indices.filter { plan.stages[$0].inputTopics.contains(topic.name) }
            for stage in readers {
                plan.stages[stage].partitions = min(plan.stages[stage].partitions, existing)
                plan.stages[stage].scaling.max = max(plan.stages[stage].scaling.min, min(plan.stages[stage].scaling.max, existing))
            }
            let names = readers.map { plan.stages[$0].name }
            warnings.append(
                "topic \(topic.name) has \(existing) partitions, fewer than the \(topic.partitions) planned: used as it is"
                    + (names.isEmpty ? "" : "; \(names.joined(separator: ", ")) \(names.count == 1 ? "runs" : "run") at most \(existing) replicas"))
        }
        return (plan, warnings)
    }
}
