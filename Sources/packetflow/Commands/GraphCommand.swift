import ArgumentParser
import Foundation
import PacketFlowLanguage

/// `packetflow graph FILE --format dot|mermaid`: the molecule drawn, bonds styled by kind.
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Draw a molecule as a Graphviz or Mermaid graph, each bond kind in its own style.",
        discussion: """
            Ionic bonds are solid arrows, covalent bold arrows, metallic dashed lines, weak
            dotted lines; covalent chains are boxed as one stage.

            Example:
              packetflow graph examples/processing-pipeline.pf --format dot | dot -Tsvg > pipeline.svg
            """)

    /// The diagram languages, as the command line spells them.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case dot
        case mermaid
    }

    @Argument(help: "The molecule file (.pf).")
    var file: String

    @Option(help: "The diagram language: dot or mermaid.")
    var format: Format = .dot

    @Option(help: "The molecule to draw, when the file declares several.")
    var molecule: String?

    func run() throws {
        let program = try MoleculeProgram.load(path: file, loader: FileSystemSourceLoader())
        if !program.diagnostics.isEmpty {
            FileHandle.standardError.write(Data(program.renderedDiagnostics().utf8))
        }
        let diagram = switch format {
        case .dot: MoleculeDiagram.Format.dot
        case .mermaid: MoleculeDiagram.Format.mermaid
        }
        print(try MoleculeDiagram.render(program, molecule: molecule, format: diagram), terminator: "")
    }
}
