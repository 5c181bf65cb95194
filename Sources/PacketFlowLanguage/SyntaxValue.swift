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
