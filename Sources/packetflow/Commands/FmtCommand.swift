import ArgumentParser
import Foundation
import PacketFlowLanguage

/// `packetflow fmt FILE [--write|--check]`: the canonical layout, comments kept.
struct FmtCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fmt",
        abstract: "Format a molecule file in the canonical layout, keeping its comments.",
        discussion: """
            Prints the formatted file, rewrites it with --write, or with --check exits 1 when
            it is not formatted. Formatting twice changes nothing.

            Example:
              packetflow fmt examples/processing-pipeline.pf --check
            """)

    @Argument(help: "The molecule file (.pf).")
    var file: String

    @Flag(help: "Rewrite the file in place.")
    var write = false

    @Flag(help: "Change nothing; exit 1 if the file is not formatted.")
    var check = false

    func validate() throws {
        if write && check { throw ValidationError("--write and --check cannot be used together") }
    }

    func run() throws {
        let text: String
        do {
            text = try FileSystemSourceLoader().load(file)
        } catch {
            throw LanguageError(.unreadableFile, "cannot read \(file): \(error.message)")
        }
        let formatted: String
        do {
            formatted = try MoleculeFormatter.format(text, name: file)
        } catch {
            let renderer = DiagnosticRenderer(sources: [SourceFile(name: file, text: text)])
            FileHandle.standardError.write(Data(renderer.render(error.diagnostics).utf8))
            throw error
        }
        if check {
            guard formatted == text else {
                FileHandle.standardError.write(Data("\(file) is not formatted; run packetflow fmt --write \(file)\n".utf8))
                throw ExitCode.failure
            }
        } else if write {
            if formatted != text { try formatted.write(toFile: file, atomically: true, encoding: .utf8) }
        } else {
            print(formatted, terminator: "")
        }
    }
}
