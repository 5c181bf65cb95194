import ArgumentParser
import PacketFlowLanguage

/// `packetflow check FILE...`: every diagnostic of every file; exit 1 on any error.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check molecule files and print every problem with its position.",
        discussion: """
            Each file is checked with the files it imports. Warnings do not fail the check.

            Example:
              packetflow check examples/processing-pipeline.pf
            """)

    @Argument(help: "Molecule files (.pf) to check.")
    var files: [String]

    func run() throws {
        let report = CheckReport.check(files, loader: FileSystemSourceLoader())
        print(report.rendered + report.summary)
        if !report.succeeded { throw ExitCode.failure }
    }
}
