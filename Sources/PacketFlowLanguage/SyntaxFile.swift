/// A parsed file: its declarations in order, its comments, and what went wrong.
struct SyntaxFile: Sendable {
    var source: SourceFile
    var declarations: [SyntaxDeclaration]
    var comments: [Comment]
    var diagnostics: [Diagnostic]
}
