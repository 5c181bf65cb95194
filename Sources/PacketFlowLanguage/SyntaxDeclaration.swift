/// A top-level declaration: `import "file"`, `packet Name {...}` or `molecule Name {...}`.
struct SyntaxDeclaration: Sendable, Hashable {
    enum Keyword: String, Sendable, Hashable, CaseIterable {
        case `import`
        case packet
        case molecule
    }

    var keyword: Keyword
    /// Offset of the keyword.
    var start: Int
    /// The declared name, or for an import the path.
    var name: String
    /// Offset of the name (the string of an import).
    var nameStart: Int
    /// The body of a packet or molecule; `nil` for imports.
    var body: SyntaxValue?
    /// Offset just past the declaration.
    var end: Int
}
