/// A value as written in a molecule file, before it means anything.
///
/// The parser builds these for every field; ``DeclarationReader`` gives them meaning and the
/// formatter prints them back. `start` and `end` are byte offsets (for brackets, from the
/// opening to just past the closing one), which is how comments find their place again.
struct SyntaxValue: Sendable, Hashable {
    indirect enum Kind: Sendable, Hashable {
        /// A bare name: `CF`, `ValidatePacket`.
        case identifier(String)
        /// A quoted string, unescaped.
        case string(String)
        /// A number with an optional unit suffix, as written: `5`, `-1`, `0.5`, `256Mi`, `5s`.
        case number(String)
        /// A colon and a name: `:ionic`.
        case atom(String)
        /// `[a, b, c]`.
        case list([SyntaxValue])
        /// `{a, b, :ionic}`: positional values in braces.
        case tuple([SyntaxValue])
        /// `{ key: value, ... }`.
        case object([SyntaxField])
        /// `name(argument, label: argument)`.
        case call(name: String, arguments: [SyntaxArgument])
        /// A value that could not be parsed; a diagnostic was already reported.
        case missing
    }

    var kind: Kind
    var start: Int
    var end: Int
}

/// `key: value` inside an object.
struct SyntaxField: Sendable, Hashable {
    var key: String
    var keyStart: Int
    var value: SyntaxValue
    var start: Int { keyStart }
    var end: Int { value.end }
}

/// One argument of a call, optionally labelled: `"postgres"`, `to: ValidatePacket`.
struct SyntaxArgument: Sendable, Hashable {
    var label: String?
    var start: Int
    var value: SyntaxValue
    var end: Int { value.end }
}

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

/// A parsed file: its declarations in order, its comments, and what went wrong.
struct SyntaxFile: Sendable {
    var source: SourceFile
    var declarations: [SyntaxDeclaration]
    var comments: [Comment]
    var diagnostics: [Diagnostic]
}
