/// One token of a molecule file: its kind and the bytes it covers.
struct Token: Sendable, Hashable {
    /// What a token is.
    enum Kind: Sendable, Hashable {
        case identifier
        case string
        case number
        case colon
        case comma
        case leftBrace
        case rightBrace
        case leftBracket
        case rightBracket
        case leftParen
        case rightParen
        case endOfFile
    }

    var kind: Kind
    /// Byte offset of the first byte.
    var start: Int
    /// Byte offset just past the last byte.
    var end: Int
}

/// A comment, kept beside the tokens so the formatter can put it back.
struct Comment: Sendable, Hashable {
    /// Byte offset of the `//` or `/*`.
    var start: Int
    /// Byte offset just past the comment (before the line break of a line comment).
    var end: Int
    /// True for `/* ... */`.
    var isBlock: Bool
}
