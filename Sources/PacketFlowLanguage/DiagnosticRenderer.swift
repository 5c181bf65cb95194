/// Renders diagnostics the way compilers do: a header line, the source line and a caret.
///
/// ```
/// pipeline.pf:7:6: error: unknown packet ComputPacket in composition
///     ComputPacket,
///     ^
///   hint: did you mean ComputePacket?
/// ```
public struct DiagnosticRenderer: Sendable {
    private let sources: [String: SourceFile]

    /// Creates a renderer that finds each diagnostic's source line in `sources` by file name.
    public init(sources: [SourceFile]) {
        var byName: [String: SourceFile] = [:]
        for source in sources { byName[source.name] = source }
        self.sources = byName
    }

    /// Renders one diagnostic; the source and caret lines are left out when the file is unknown.
    public func render(_ diagnostic: Diagnostic) -> String {
        var lines = [diagnostic.description]
        if let source = sources[diagnostic.location.file] {
            let text = source.line(diagnostic.location.line)
            lines.append("    " + text)
            // Tabs stay tabs so the caret lines up in any terminal.
            let lead = text.unicodeScalars.prefix(diagnostic.location.column - 1).map { $0 == "\t" ? "\t" : " " }
            lines.append("    " + lead.joined() + "^")
        }
        if let hint = diagnostic.hint { lines.append("  hint: " + hint) }
        return lines.joined(separator: "\n")
    }

    /// Renders diagnostics in order, separated by line breaks, ending with one.
    public func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map { render($0) + "\n" }.joined()
    }
}
