import PacketFlowCore

/// Checks one molecule against the packets it may use, and builds its ``MoleculeGraph``.
///
/// Reports unknown and repeated packets, bonds to self or outside the composition,
/// contradictory bonds, broken covalent chains, ionic cycles, stages no source reaches, bad
/// sources, sinks and overrides, and scaling bounds that contradict each other. Work is
/// linear in packets and bonds.
struct MoleculeChecker {
    private let packets: [String: PacketDeclaration]
    /// Names declared without a group or handler: known, already reported, not plannable.
    private let incomplete: Set<String>
    private var graph: MoleculeGraph
    private var diagnostics: [Diagnostic] = []

    /// Checks `molecule`; the graph holds only what passed.
    static func check(
        _ molecule: MoleculeDeclaration, packets: [String: PacketDeclaration], incomplete: Set<String>
    ) -> (graph: MoleculeGraph, diagnostics: [Diagnostic]) {
        var checker = MoleculeChecker(packets: packets, incomplete: incomplete, graph: MoleculeGraph(molecule: molecule))
        checker.run()
        return (checker.graph, checker.diagnostics)
    }

    private init(packets: [String: PacketDeclaration], incomplete: Set<String>, graph: MoleculeGraph) {
        self.packets = packets
        self.incomplete = incomplete
        self.graph = graph
    }

    private var molecule: MoleculeDeclaration { graph.molecule }

    private mutating func run() {
        checkComposition()
        checkBonds()
        checkCovalentChains()
        graph.buildStages()
        checkIonicEdges()
        checkIonicCycles()
        checkEndpoints()
        checkReachability()
        checkNameLengths()
        checkOverrides()
        checkScaling()
    }

    // MARK: Composition

    private mutating func checkComposition() {
        var firstSeen: [String: SourceLocation] = [:]
        for member in molecule.composition {
            if let first = firstSeen[member.name] {
                error("\(member.name) appears twice in the composition of \(molecule.name)", at: member.location,
                      hint: "first listed at \(first.line):\(first.column)")
                continue
            }
            firstSeen[member.name] = member.location
            if let packet = packets[member.name] {
                _ = graph.add(packet)
            } else if !incomplete.contains(member.name) {
                error("unknown packet \(member.name) in composition", at: member.location,
                      hint: suggestion(for: member.name, among: packets.keys))
            }
        }
    }

    // MARK: Bonds

    private struct PairKey: Hashable {
        var low: Int
        var high: Int
        init(_ a: Int, _ b: Int) {
            low = min(a, b)
            high = max(a, b)
        }
    }

    private mutating func checkBonds() {
        var byPair: [PairKey: [BondDeclaration]] = [:]
        for bond in molecule.bonds {
            if bond.from == bond.to {
                error("bond from \(bond.from) to itself", at: bond.location,
                      hint: "a bond joins two different packets")
                continue
            }
            guard let from = member(bond.from, at: bond.fromLocation),
                  let to = member(bond.to, at: bond.toLocation) else { continue }
            let key = PairKey(from, to)
            if let earlier = byPair[key], !accept(bond, given: earlier) { continue }
            byPair[key, default: []].append(bond)
            let edge = MoleculeGraph.Edge(from: from, to: to, bond: bond)
            switch bond.kind {
            case .ionic: graph.ionic.append(edge)
            case .covalent: graph.covalent.append(edge)
            case .metallic: graph.metallic.append(edge)
            case .weak: graph.weak.append(edge)
            }
        }
    }

    /// The member index of a bond or endpoint name, reporting names that are not members.
    private mutating func member(_ name: String, at location: SourceLocation) -> Int? {
        if let index = graph.index[name] { return index }
        if molecule.composition.contains(where: { $0.name == name }) {
            return nil  // an unknown or incomplete packet: reported at the composition
        }
        if packets[name] != nil || incomplete.contains(name) {
            error("\(name) is not in the composition of \(molecule.name)", at: location,
                  hint: "add \(name) to composition")
        } else {
            let candidates = molecule.composition.map(\.name) + packets.keys.sorted()
            error("unknown packet \(name)", at: location, hint: suggestion(for: name, among: candidates))
        }
        return nil
    }

    /// Whether a bond may join a pair that already has `earlier` bonds, reporting why not.
    private mutating func accept(_ bond: BondDeclaration, given earlier: [BondDeclaration]) -> Bool {
        for other in earlier {
            let at = "\(other.location.line):\(other.location.column)"
            if other.kind == bond.kind {
                let sameDirection = other.from == bond.from
                if sameDirection || bond.kind == .metallic || bond.kind == .weak {
                    warning("duplicate bond {\(bond.from), \(bond.to), :\(bond.kind)}", at: bond.location,
                            hint: "the same bond is at \(at)")
                    return false
                }
                if bond.kind == .covalent {
                    error("contradictory bonds between \(bond.from) and \(bond.to): :covalent both ways",
                          at: bond.location, hint: "the other direction is at \(at); a covalent chain runs one way")
                    return false
                }
                continue  // ionic both ways: reported as a cycle
            }
            let kinds: Set<BondKind> = [other.kind, bond.kind]
            if kinds.contains(.covalent), kinds.contains(.ionic) || kinds.contains(.metallic) {
                let reason = kinds.contains(.ionic)
                    ? ":covalent fuses them into one stage, :ionic passes packets between two"
                    : ":covalent fuses them into one stage, :metallic keeps them apart sharing state"
                error("contradictory bonds between \(bond.from) and \(bond.to): :\(bond.kind) here, :\(other.kind) at \(at)",
                      at: bond.location, hint: reason)
                return false
            }
            if kinds == [.covalent, .weak] {
                warning("redundant bond {\(bond.from), \(bond.to), :\(bond.kind)}: :\(other.kind) at \(at) already runs them together",
                        at: bond.location, hint: "remove the :weak bond")
                return false
            }
        }
        return true
    }

    // MARK: Stages

    private mutating func checkCovalentChains() {
        var kept: [MoleculeGraph.Edge] = []
        for edge in graph.covalent {
            if let next = graph.covalentNext[edge.from] {
                error("\(edge.bond.from) already has a covalent bond to \(graph.members[next].name); covalent bonds must form a chain",
                      at: edge.bond.location, hint: "use :ionic to send one packet's results to several")
                continue
            }
            if let previous = graph.covalentPrevious[edge.to] {
                error("\(edge.bond.to) already has a covalent bond from \(graph.members[previous].name); covalent bonds must form a chain",
                      at: edge.bond.location, hint: "use :ionic to join several packets into one")
                continue
            }
            graph.covalentNext[edge.from] = edge.to
            graph.covalentPrevious[edge.to] = edge.from
            kept.append(edge)
            let from = graph.members[edge.from]
            let to = graph.members[edge.to]
            if from.group != to.group {
                warning("covalent bond fuses \(from.name) (\(from.group)) and \(to.name) (\(to.group)) into one stage",
                        at: edge.bond.location,
                        hint: "the stage runs as the group of its first packet; use :ionic to keep both groups")
            }
        }
        graph.covalent = kept
        // A chain that closes on itself has no first packet: report it and cut the closing bond.
        var visited = Array(repeating: false, count: graph.members.count)
        for start in graph.members.indices where !visited[start] && graph.covalentPrevious[start] != nil {
            var path: [Int] = []
            var cursor = start
            while !visited[cursor] {
                visited[cursor] = true
                path.append(cursor)
                guard let next = graph.covalentNext[cursor] else { break }
                cursor = next
            }
            guard cursor == start, graph.covalentNext[path.last!] == start else { continue }
            let names = (path + [start]).map { graph.members[$0].name }
            let closing = graph.covalent.first { $0.from == path.last! && $0.to == start }!
            error("covalent cycle: \(names.joined(separator: " → "))", at: closing.bond.location,
                  hint: "a covalent chain needs a first packet")
            graph.covalentNext[path.last!] = nil
            graph.covalentPrevious[start] = nil
            graph.covalent.removeAll { $0 == closing }
        }
    }

    private mutating func checkIonicEdges() {
        var kept: [MoleculeGraph.Edge] = []
        for edge in graph.ionic {
            let fromStage = graph.stageOf[edge.from]
            let toStage = graph.stageOf[edge.to]
            if fromStage == toStage {
                error("ionic bond from \(edge.bond.from) to \(edge.bond.to) inside one stage",
                      at: edge.bond.location,
                      hint: "covalent bonds fuse \(chainDescription(fromStage)); remove one of the bonds")
                continue
            }
            if let tail = graph.stages[fromStage].last, tail != edge.from {
                error("ionic bond leaves \(edge.bond.from) in the middle of the covalent chain \(chainDescription(fromStage))",
                      at: edge.bond.fromLocation, hint: "bond from \(graph.members[tail].name) instead")
                continue
            }
            if let head = graph.stages[toStage].first, head != edge.to {
                error("ionic bond enters \(edge.bond.to) in the middle of the covalent chain \(chainDescription(toStage))",
                      at: edge.bond.toLocation, hint: "bond to \(graph.members[head].name) instead")
                continue
            }
            kept.append(edge)
        }
        graph.ionic = kept
    }

    /// Finds ionic cycles by depth-first search over stages; reports each at its closing bond.
    private mutating func checkIonicCycles() {
        let outgoing = graph.outgoingIonic()
        enum Mark { case unvisited, onPath, done }
        var marks = Array(repeating: Mark.unvisited, count: graph.stages.count)
        var cyclic: Set<MoleculeGraph.Edge> = []
        for root in graph.stages.indices where marks[root] == .unvisited {
            // Each frame is a stage and the index of its next outgoing edge to explore.
            var stack: [(stage: Int, next: Int)] = [(root, 0)]
            marks[root] = .onPath
            while let (stage, next) = stack.last {
                guard next < outgoing[stage].count else {
                    marks[stage] = .done
                    stack.removeLast()
                    continue
                }
                stack[stack.count - 1].next += 1
                let edge = outgoing[stage][next]
                let target = graph.stageOf[edge.to]
                switch marks[target] {
                case .unvisited:
                    marks[target] = .onPath
                    stack.append((target, 0))
                case .onPath:
                    let start = stack.firstIndex { $0.stage == target }!
                    let names = (stack[start...].map(\.stage) + [target]).map { graph.stageName($0) }
                    error("ionic cycle: \(names.joined(separator: " → "))", at: edge.bond.location,
                          hint: "ionic bonds must flow one way; share state with :metallic instead")
                    cyclic.insert(edge)
                case .done:
                    break
                }
            }
        }
        if !cyclic.isEmpty { graph.ionic.removeAll { cyclic.contains($0) } }
    }

    // MARK: Sources, sinks, reachability

    private mutating func checkEndpoints() {
        let ownPrefix = "\(TopologyNames.prefix).\(molecule.name)."
        let sourceTopics = Set(molecule.sources.filter { $0.kind == .topic }.map(\.name))
        for sink in molecule.sinks where sink.kind == .topic && sourceTopics.contains(sink.name) {
            error("topic \"\(sink.name)\" is both a source and a sink of \(molecule.name)", at: sink.location,
                  hint: "results written to a source would be read again forever; use another topic")
        }
        for endpoint in molecule.sources + molecule.sinks where endpoint.kind == .topic && endpoint.name.hasPrefix(ownPrefix) {
            error("topic \"\(endpoint.name)\" is in the molecule's own namespace \(ownPrefix)*", at: endpoint.location,
                  hint: "the plan names those topics itself; choose a name outside \(ownPrefix)")
        }
        for (role, endpoints) in [("source", molecule.sources), ("sink", molecule.sinks)] {
            var names: [String: SourceLocation] = [:]
            for endpoint in endpoints {
                checkName(endpoint.name, of: endpoint, role: role)
                if let first = names[endpoint.kind.rawValue + endpoint.name] {
                    error("duplicate \(role) \(endpoint.kind.rawValue)(\"\(endpoint.name)\")", at: endpoint.location,
                          hint: "first listed at \(first.line):\(first.column)")
                }
                names[endpoint.kind.rawValue + endpoint.name] = endpoint.location
                for (name, location) in zip(endpoint.packets, endpoint.packetLocations) {
                    guard let index = member(name, at: location) else { continue }
                    let stage = graph.stages[graph.stageOf[index]]
                    if role == "source", stage.first != index {
                        error("source feeds \(name) in the middle of the covalent chain \(chainDescription(graph.stageOf[index]))",
                              at: location, hint: "feed \(graph.members[stage[0]].name) instead")
                    } else if role == "sink", stage.last != index {
                        error("sink takes from \(name) in the middle of the covalent chain \(chainDescription(graph.stageOf[index]))",
                              at: location, hint: "take from \(graph.members[stage[stage.count - 1]].name) instead")
                    }
                }
            }
        }
    }

    private mutating func checkName(_ name: String, of endpoint: EndpointDeclaration, role: String) {
        let legal = name.utf8.allSatisfy {
            Lexer.isIdentifierContinue($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
        }
        guard !legal || name == "." || name == ".." || name.utf8.count > 200 else { return }
        let what = endpoint.kind == .topic ? "topic name" : "connector name"
        error("invalid \(what) \"\(name)\"", at: endpoint.location,
              hint: "use at most 200 letters, digits, '.', '_' and '-'")
    }

    private mutating func checkReachability() {
        guard !graph.stages.isEmpty else { return }
        var hasIncoming = Array(repeating: false, count: graph.stages.count)
        for edge in graph.ionic { hasIncoming[graph.stageOf[edge.to]] = true }
        var reached = Array(repeating: false, count: graph.stages.count)
        var queue: [Int] = []
        let feedsEntries = molecule.sources.isEmpty || molecule.sources.contains { $0.packets.isEmpty }
        if feedsEntries {
            queue = graph.stages.indices.filter { !hasIncoming[$0] }
        }
        for source in molecule.sources {
            queue += source.packets.compactMap { graph.index[$0] }.map { graph.stageOf[$0] }
        }
        for stage in queue { reached[stage] = true }
        let outgoing = graph.outgoingIonic()
        var cursor = 0
        while cursor < queue.count {
            for edge in outgoing[queue[cursor]] {
                let target = graph.stageOf[edge.to]
                if !reached[target] {
                    reached[target] = true
                    queue.append(target)
                }
            }
            cursor += 1
        }
        for stage in graph.stages.indices where !reached[stage] {
            let name = graph.stageName(stage)
            let location = molecule.composition.first { $0.name == name }!.location
            error("\(name) is not reached by any source", at: location,
                  hint: "add an ionic bond into \(name) or a source topic(\"...\", to: \(name))")
        }
    }

    /// Kafka refuses topic names longer than 249 characters; long packet names can get there.
    private mutating func checkNameLengths() {
        let limit = TopicName.maximumLength
        for edge in graph.ionic + graph.metallic {
            let name = edge.bond.kind == .ionic
                ? TopologyNames.bondTopic(molecule: molecule.name, from: edge.bond.from, to: edge.bond.to)
                : TopologyNames.stateStore(molecule: molecule.name, between: edge.bond.from, and: edge.bond.to)
            guard name.utf8.count > limit else { continue }
            error("the topic of this bond, \(name.prefix(40))..., is \(name.utf8.count) characters; Kafka allows \(limit)",
                  at: edge.bond.location, hint: "shorten the packet or molecule names")
        }
    }

    // MARK: Overrides and scaling

    private mutating func checkOverrides() {
        for override in molecule.overrides {
            guard let index = member(override.packet, at: override.location) else { continue }
            let stage = graph.stages[graph.stageOf[index]]
            guard stage.first == index else {
                error("\(override.packet) is fused into stage \(graph.stageName(graph.stageOf[index])); override that stage instead",
                      at: override.location, hint: "covalent chain: \(chainDescription(graph.stageOf[index]))")
                continue
            }
            graph.settings[index] = graph.settings[index].overridden(by: override.settings)
        }
    }

    private mutating func checkScaling() {
        var overrideLocations: [String: SourceLocation] = [:]
        for override in molecule.overrides { overrideLocations[override.packet] = override.location }
        for stage in graph.stages {
            let head = stage[0]
            let packet = graph.members[head]
            let settings = graph.settings[head]
            let defaults = packet.group.properties.scaling
            let low = settings.scaleMin ?? defaults.minReplicas
            let high = settings.scaleMax ?? defaults.maxReplicas
            let location = overrideLocations[packet.name] ?? packet.location
            if low > high {
                let origin = { (declared: Int?) in declared == nil ? " (the \(packet.group) default)" : "" }
                error("scale min \(low)\(origin(settings.scaleMin)) of \(packet.name) is greater than max \(high)\(origin(settings.scaleMax))",
                      at: location, hint: "declare scale: { min: \(low), max: \(max(low, high)) } or lower min")
                graph.settings[head].scaleMin = min(low, high)
            } else if let partitions = settings.partitions, high > partitions {
                warning("scale max \(high) of \(packet.name) exceeds its \(partitions) partitions; replicas beyond \(partitions) would sit idle",
                        at: location, hint: "raise partitions to \(high) or lower scale max")
            }
        }
    }

    // MARK: Helpers

    private func chainDescription(_ stage: Int) -> String {
        graph.stages[stage].map { graph.members[$0].name }.joined(separator: " → ")
    }

    private func suggestion(for name: String, among candidates: some Sequence<String>) -> String? {
        Suggestion.closest(to: name, in: candidates.sorted()).map { "did you mean \($0)?" }
    }

    private mutating func error(_ message: String, at location: SourceLocation, hint: String? = nil) {
        diagnostics.append(.error(message, at: location, hint: hint))
    }

    private mutating func warning(_ message: String, at location: SourceLocation, hint: String? = nil) {
        diagnostics.append(.warning(message, at: location, hint: hint))
    }
}
