import PacketFlowCore

/// Draws a checked molecule as a Graphviz DOT or Mermaid graph, each bond kind in its own style.
///
/// Packets are nodes labelled with their group; covalent chains are boxed as one stage.
/// Ionic bonds are solid arrows, covalent bonds bold arrows, metallic bonds dashed lines and
/// weak bonds dotted lines, each labelled with its kind. In Mermaid: ionic `-->`,
/// covalent `==>`, metallic `---`, weak `-.-`.
public enum MoleculeDiagram {
    /// The output language.
    public enum Format: String, Sendable, CaseIterable {
        /// Graphviz DOT (`dot -Tsvg`).
        case dot
        /// Mermaid flowchart (renders in Markdown on GitHub).
        case mermaid
    }

    /// The diagram of `molecule` (nil: the root file's only molecule) in `format`.
    ///
    /// Throws ``LanguageError`` like ``MoleculeProgram/plan(molecule:)``: the program must check.
    public static func render(
        _ program: MoleculeProgram, molecule name: String? = nil, format: Format
    ) throws(LanguageError) -> String {
        let plan = try program.plan(molecule: name)
        let graph = program.graph(of: plan.molecule)!
        return switch format {
        case .dot: dot(graph)
        case .mermaid: mermaid(graph)
        }
    }

    private static func bonds(_ graph: MoleculeGraph) -> [MoleculeGraph.Edge] {
        graph.ionic + graph.covalent + graph.metallic + graph.weak
    }

    private static func label(_ packet: PacketDeclaration) -> String {
        "\(packet.name)\\n\(packet.group.symbol)"
    }

    private static func dot(_ graph: MoleculeGraph) -> String {
        var lines = ["digraph \(graph.molecule.name) {", "  rankdir=LR;", "  node [shape=box, style=rounded];"]
        for (number, stage) in graph.stages.enumerated() {
            if stage.count > 1 {
                lines.append("  subgraph cluster_\(number) {")
                lines.append("    label=\"stage \(graph.stageName(number))\";")
                lines.append("    style=dashed;")
                for member in stage {
                    lines.append("    \(graph.members[member].name) [label=\"\(label(graph.members[member]))\"];")
                }
                lines.append("  }")
            } else {
                lines.append("  \(graph.members[stage[0]].name) [label=\"\(label(graph.members[stage[0]]))\"];")
            }
        }
        for edge in bonds(graph) {
            let style = switch edge.bond.kind {
            case .ionic: "style=solid"
            case .covalent: "style=bold, penwidth=2"
            case .metallic: "style=dashed, dir=none"
            case .weak: "style=dotted, dir=none"
            }
            lines.append("  \(edge.bond.from) -> \(edge.bond.to) [label=\"\(edge.bond.kind)\", \(style)];")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func mermaid(_ graph: MoleculeGraph) -> String {
        var lines = ["flowchart LR"]
        let node = { (packet: PacketDeclaration) in "\(packet.name)[\"\(packet.name)<br/>\(packet.group.symbol)\"]" }
        for (number, stage) in graph.stages.enumerated() {
            if stage.count > 1 {
                lines.append("  subgraph stage_\(number) [\"stage \(graph.stageName(number))\"]")
                for member in stage { lines.append("    " + node(graph.members[member])) }
                lines.append("  end")
            } else {
                lines.append("  " + node(graph.members[stage[0]]))
            }
        }
        for edge in bonds(graph) {
            let arrow = switch edge.bond.kind {
            case .ionic: "-->"
            case .covalent: "==>"
            case .metallic: "---"
            case .weak: "-.-"
            }
            lines.append("  \(edge.bond.from) \(arrow)|\(edge.bond.kind)| \(edge.bond.to)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
