import ArgumentParser
import Foundation
import PacketFlowLanguage

/// `packetflow plan FILE [--json]`: the topology a molecule compiles to.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Compile a molecule into its topology plan: stages, topics, groups and stores.",
        discussion: """
            The JSON form (sorted keys) is what the worker and the reactor read.

            Example:
              packetflow plan examples/processing-pipeline.pf --json
            """)

    @Argument(help: "The molecule file (.pf).")
    var file: String

    @Option(help: "The molecule to plan, when the file declares several.")
    var molecule: String?

    @Flag(help: "Print the plan as JSON.")
    var json = false

    func run() throws {
        let program = try MoleculeProgram.load(path: file, loader: FileSystemSourceLoader())
        if !program.diagnostics.isEmpty {
            FileHandle.standardError.write(Data(program.renderedDiagnostics().utf8))
        }
        let plan = try program.plan(molecule: molecule)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(plan), as: UTF8.self))
        } else {
            print(plan.summary, terminator: "")
        }
    }
}
