import PacketFlowCore

/// Compiles a checked molecule into its ``TopologyPlan``.
///
/// Pure and deterministic. Values not declared come from the stage's group (its row of the
/// periodic table): partitions, concurrency, ordering, scaling bounds, placement, retries
/// and backoff. See docs/molecule-language.md for every rule.
enum TopologyPlanner {
    /// Handler timeout when neither the packet nor the molecule declares one.
    static let defaultTimeout = Duration.seconds(30)
    /// Partitions of the dead-letter topic: it carries failures only, in no particular order.
    static let deadLetterPartitions = 1

    /// The plan of a molecule whose checks found no errors.
    static func plan(_ graph: MoleculeGraph) -> TopologyPlan {
        let molecule = graph.molecule.name
        let deadLetter = TopologyNames.deadLetterTopic(molecule: molecule)
        var inputs = Array(repeating: Set<String>(), count: graph.stages.count)
        var outputs = Array(repeating: Set<String>(), count: graph.stages.count)
        var stores = Array(repeating: Set<String>(), count: graph.stages.count)
        var topics: [String: TopicPlan] = [:]
        let partitions = graph.stages.indices.map { stagePartitions(graph, $0) }
        let names = graph.stages.indices.map { graph.stageName($0) }

        var hasIncoming = Array(repeating: false, count: graph.stages.count)
        var hasOutgoing = Array(repeating: false, count: graph.stages.count)
        for edge in graph.ionic {
            let from = graph.stageOf[edge.from]
            let to = graph.stageOf[edge.to]
            hasOutgoing[from] = true
            hasIncoming[to] = true
            let name = TopologyNames.bondTopic(molecule: molecule, from: edge.bond.from, to: edge.bond.to)
            outputs[from].insert(name)
            inputs[to].insert(name)
            topics[name] = TopicPlan(
                name: name, partitions: partitions[to], role: .bond, managed: true, cleanupPolicy: .delete,
                producers: [names[from]], consumers: [names[to]])
        }
        let entries = graph.stages.indices.filter { !hasIncoming[$0] }
        let finals = graph.stages.indices.filter { !hasOutgoing[$0] }

        func stages(of packets: [String], default fallback: [Int]) -> [Int] {
            packets.isEmpty ? fallback : packets.map { graph.stageOf[graph.index[$0]!] }
        }
        func add(_ name: String, role: TopicPlan.Role, managed: Bool, producers: [Int], consumers: [Int]) {
            let sized = role == .source ? consumers : producers
            var topic = topics[name] ?? TopicPlan(
                name: name, partitions: 1, role: role, managed: managed, cleanupPolicy: .delete,
                producers: [], consumers: [])
            topic.partitions = max(topic.partitions, sized.map { partitions[$0] }.max() ?? 1)
            topic.producers = Array(Set(topic.producers + producers.map { names[$0] })).sorted()
            topic.consumers = Array(Set(topic.consumers + consumers.map { names[$0] })).sorted()
            topics[name] = topic
        }

        if graph.molecule.sources.isEmpty {
            let name = TopologyNames.inputTopic(molecule: molecule)
            add(name, role: .source, managed: true, producers: [], consumers: entries)
            for stage in entries { inputs[stage].insert(name) }
        }
        for source in graph.molecule.sources {
            let consumers = stages(of: source.packets, default: entries)
            add(source.name, role: .source, managed: false, producers: [], consumers: consumers)
            for stage in consumers { inputs[stage].insert(source.name) }
        }

        var connectors: [ConnectorPlan] = []
        if graph.molecule.sinks.isEmpty {
            let name = TopologyNames.outputTopic(molecule: molecule)
            add(name, role: .sink, managed: true, producers: finals, consumers: [])
            for stage in finals { outputs[stage].insert(name) }
        }
        for sink in graph.molecule.sinks {
            let producers = stages(of: sink.packets, default: finals)
            let name: String
            switch sink.kind {
            case .topic:
                name = sink.name
                add(name, role: .sink, managed: false, producers: producers, consumers: [])
            case .connector:
                name = TopologyNames.connectorTopic(molecule: molecule, connector: sink.name)
                add(name, role: .connector, managed: true, producers: producers, consumers: [])
                connectors.append(ConnectorPlan(
                    name: sink.name, options: sink.options, topic: name,
                    stages: Array(Set(producers.map { names[$0] })).sorted()))
            }
            for stage in producers { outputs[stage].insert(name) }
        }

        var stateStores: [StateStorePlan] = []
        for edge in graph.metallic {
            let name = TopologyNames.stateStore(molecule: molecule, between: edge.bond.from, and: edge.bond.to)
            let pair = [graph.stageOf[edge.from], graph.stageOf[edge.to]]
            for stage in pair { stores[stage].insert(name) }
            stateStores.append(StateStorePlan(
                name: name, packets: [edge.bond.from, edge.bond.to].sorted(),
                stages: Array(Set(pair.map { names[$0] })).sorted()))
            topics[name] = TopicPlan(
                name: name, partitions: pair.map { partitions[$0] }.max()!, role: .state, managed: true,
                cleanupPolicy: .compact, producers: Array(Set(pair.map { names[$0] })).sorted(), consumers: [])
        }

        var hints: [PlacementHint] = []
        for edge in graph.weak where graph.stageOf[edge.from] != graph.stageOf[edge.to] {
            let ordered = [(edge.bond.from, edge.from), (edge.bond.to, edge.to)].sorted { $0.0 < $1.0 }
            hints.append(PlacementHint(
                packets: ordered.map(\.0), stages: ordered.map { names[graph.stageOf[$0.1]] }))
        }

        topics[deadLetter] = TopicPlan(
            name: deadLetter, partitions: deadLetterPartitions, role: .deadLetter, managed: true,
            cleanupPolicy: .delete, producers: names.sorted(), consumers: [])

        let stagePlans = graph.stages.indices.map { stage in
            makeStage(graph, stage, partitions: partitions[stage], inputs: inputs[stage].sorted(),
                      outputs: outputs[stage].sorted(), stores: stores[stage].sorted(), deadLetter: deadLetter)
        }
        return TopologyPlan(
            molecule: molecule, stages: stagePlans, topics: topics.values.sorted { $0.name < $1.name },
            deadLetterTopic: deadLetter, stateStores: stateStores.sorted { $0.name < $1.name },
            placementHints: hints.sorted(), connectors: connectors.sorted { $0.name < $1.name })
    }

    /// Scaling bounds of a stage: declared, else the group's.
    static func scaling(_ graph: MoleculeGraph, _ stage: Int) -> ScalingBounds {
        let head = graph.stages[stage][0]
        let settings = graph.settings[head]
        let defaults = graph.members[head].group.properties.scaling
        return ScalingBounds(
            min: settings.scaleMin ?? defaults.minReplicas, max: settings.scaleMax ?? defaults.maxReplicas)
    }

    /// Partitions of a stage's input: declared, else enough for the group and every replica.
    static func stagePartitions(_ graph: MoleculeGraph, _ stage: Int) -> Int {
        let head = graph.stages[stage][0]
        if let declared = graph.settings[head].partitions { return declared }
        return max(graph.members[head].group.properties.defaultPartitions, scaling(graph, stage).max)
    }

    private static func makeStage(
        _ graph: MoleculeGraph, _ stage: Int, partitions: Int, inputs: [String], outputs: [String],
        stores: [String], deadLetter: String
    ) -> StagePlan {
        let head = graph.members[graph.stages[stage][0]]
        let settings = graph.settings[graph.stages[stage][0]]
        let properties = head.group.properties
        return StagePlan(
            name: head.name,
            packets: graph.stages[stage].map { index in
                let packet = graph.members[index]
                return StagePacket(
                    name: packet.name, group: packet.group, handler: packet.handler, cost: packet.cost ?? 1,
                    resources: packet.resources, instances: graph.settings[index].instances ?? 1)
            },
            group: head.group,
            consumerGroup: TopologyNames.consumerGroup(molecule: graph.molecule.name, stage: head.name),
            inputTopics: inputs,
            outputTopics: outputs,
            partitions: partitions,
            concurrency: settings.concurrency ?? properties.concurrencyPerWorker,
            ordering: properties.ordering,
            scaling: scaling(graph, stage),
            placement: properties.placement,
            retries: settings.retries ?? (properties.retry.maxAttempts - 1),
            initialBackoff: properties.retry.initialBackoff,
            maxBackoff: properties.retry.maxBackoff,
            timeout: settings.timeout ?? defaultTimeout,
            key: head.key,
            stateStores: stores,
            deadLetterTopic: deadLetter,
            collective: properties.duties.contains(.gathers)
                ? StagePlan.Collective(quorum: settings.quorum ?? defaultQuorum, window: settings.window ?? defaultWindow)
                : nil,
            behaviour: StageBehaviour(properties))
    }

    /// A collective stage's quorum and window when the molecule declares none.
    static let defaultQuorum = 2
    static let defaultWindow = Duration.seconds(5)
}
