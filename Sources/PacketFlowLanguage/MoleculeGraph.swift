import PacketFlowCore

/// A checked molecule's structure: its packets, stages and the edges between them.
///
/// Built by ``MoleculeChecker``, which drops whatever it reports as an error, so the planner
/// and the graph renderer can rely on it: packets are known and unique, covalent bonds form
/// chains, ionic edges join the end of one stage to the start of another.
struct MoleculeGraph: Sendable {
    /// A bond kept in the graph, by member index.
    struct Edge: Sendable, Hashable {
        var from: Int
        var to: Int
        var bond: BondDeclaration
    }

    var molecule: MoleculeDeclaration
    /// Known packets of the composition, in order, each once.
    var members: [PacketDeclaration] = []
    var index: [String: Int] = [:]
    /// Settings per member: the packet's own, overridden by the molecule's.
    var settings: [PacketSettings] = []
    /// The covalent successor of each member, if any.
    var covalentNext: [Int?] = []
    var covalentPrevious: [Int?] = []
    var ionic: [Edge] = []
    var covalent: [Edge] = []
    var metallic: [Edge] = []
    var weak: [Edge] = []
    /// Members of each stage in chain order; stages ordered by their first member.
    var stages: [[Int]] = []
    /// The stage of each member.
    var stageOf: [Int] = []

    init(molecule: MoleculeDeclaration) {
        self.molecule = molecule
    }

    /// Adds a member; returns false when it is already there.
    mutating func add(_ packet: PacketDeclaration) -> Bool {
        guard index[packet.name] == nil else { return false }
        index[packet.name] = members.count
        members.append(packet)
        settings.append(packet.settings)
        covalentNext.append(nil)
        covalentPrevious.append(nil)
        return true
    }

    /// Groups members into stages along covalent chains, in composition order of their heads.
    ///
    /// Expects covalent cycles to have been broken already.
    mutating func buildStages() {
        stageOf = Array(repeating: -1, count: members.count)
        stages = []
        for head in members.indices where covalentPrevious[head] == nil {
            var chain: [Int] = []
            var cursor: Int? = head
            while let member = cursor, stageOf[member] == -1 {
                stageOf[member] = stages.count
                chain.append(member)
                cursor = covalentNext[member]
            }
            stages.append(chain)
        }
    }

    /// The name of a stage: the name of its first packet.
    func stageName(_ stage: Int) -> String { members[stages[stage][0]].name }

    /// Stage-level ionic adjacency: for each stage, the ionic edges leaving it, in bond order.
    func outgoingIonic() -> [[Edge]] {
        var outgoing = Array(repeating: [Edge](), count: stages.count)
        for edge in ionic { outgoing[stageOf[edge.from]].append(edge) }
        return outgoing
    }
}
