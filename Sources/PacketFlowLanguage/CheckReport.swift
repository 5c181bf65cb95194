/// The result of checking several molecule files, as `packetflow check` prints it.
///
/// Each file is checked as its own program (with its imports); a diagnostic from a file
/// imported by several is reported once.
public struct CheckReport: Sendable {
    /// Every diagnostic, file by file, without repeats.
    public private(set) var diagnostics: [Diagnostic] = []
    /// Files that could not be read at all, each with its reason.
    public private(set) var unreadable: [String] = []
    /// The diagnostics rendered with source lines and carets, then the unreadable files.
    public private(set) var rendered = ""
    /// Molecules declared in the checked files themselves.
    public private(set) var moleculeCount = 0
    /// Files named on the command line.
    public private(set) var fileCount = 0

    /// Checks every file in `paths` through `loader`.
    public static func check(_ paths: [String], loader: some SourceLoader) -> CheckReport {
        var report = CheckReport()
        report.fileCount = paths.count
        var seen: Set<Diagnostic> = []
        for path in paths {
            let program: MoleculeProgram
            do {
                program = try MoleculeProgram.load(path: path, loader: loader)
            } catch {
                report.unreadable.append(error.message)
                report.rendered += "error: \(error.message)\n"
                continue
            }
            report.moleculeCount += program.rootMolecules.count
            let fresh = program.diagnostics.filter { seen.insert($0).inserted }
            report.diagnostics += fresh
            report.rendered += DiagnosticRenderer(sources: program.sources).render(fresh)
        }
        return report
    }

    /// Errors found, unreadable files included.
    public var errorCount: Int { diagnostics.filter { $0.severity == .error }.count + unreadable.count }
    /// Warnings found.
    public var warningCount: Int { diagnostics.filter { $0.severity == .warning }.count }
    /// True when no file has an error (warnings allowed).
    public var succeeded: Bool { errorCount == 0 }

    /// One closing line: "ok: 1 file, 1 molecule" or "2 errors, 1 warning in 3 files".
    public var summary: String {
        let files = plural(fileCount, "file")
        if succeeded {
            let warnings = warningCount > 0 ? ", \(plural(warningCount, "warning"))" : ""
            return "ok: \(files), \(plural(moleculeCount, "molecule"))\(warnings)"
        }
        return "\(plural(errorCount, "error")), \(plural(warningCount, "warning")) in \(files)"
    }

    private func plural(_ count: Int, _ word: String) -> String {
        "\(count) \(word)\(count == 1 ? "" : "s")"
    }
}
