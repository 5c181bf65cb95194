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
