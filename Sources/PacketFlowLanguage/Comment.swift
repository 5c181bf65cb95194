/// A comment, kept beside the tokens so the formatter can put it back.
struct Comment: Sendable, Hashable {
    /// Byte offset of the `//` or `/*`.
    var start: Int
    /// Byte offset just past the comment (before the line break of a line comment).
    var end: Int
    /// True for `/* ... */`.
    var isBlock: Bool
}
