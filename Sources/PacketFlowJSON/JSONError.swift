/// The one error type of PacketFlowJSON: invalid input, a value that cannot be written, or a bad path.
///
/// Parse and validation errors carry the ``location`` jansson reported and jansson's own message;
/// `description` renders them as one line a user can act on, e.g.
/// `invalid JSON at line 3, column 7 (byte 17): '}' expected near '"c"'`.
public struct JSONError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, independent of the message wording.
    public enum Code: Sendable, Hashable {
        /// A token is not allowed where it appears (missing comma, trailing comma, bad literal, bad escape).
        case invalidSyntax
        /// The input is not valid UTF-8.
        case invalidUTF8
        /// The input stops inside a value (unterminated string, unclosed array or object, empty input).
        case unexpectedEndOfInput
        /// A complete value is followed by something other than whitespace.
        case trailingCharacters
        /// An object has the same key twice.
        case duplicateKey
        /// An integer does not fit in `Int64`, or a real overflows `Double`.
        case numberOutOfRange
        /// An object key contains `\u0000`, which jansson cannot store.
        case nullByteInKey
        /// Arrays and objects nest deeper than jansson's limit of 2048 levels.
        case nestingTooDeep
        /// jansson could not allocate memory.
        case outOfMemory
        /// A `Double` to be written is NaN or infinite, which JSON cannot represent.
        case nonFiniteNumber
        /// A dotted path such as `customer.id` is empty or has an empty segment.
        case invalidPath
        /// Any other failure jansson reports; the message says which.
        case other
    }

    /// Where in the input a parse or validation error was found, as jansson counts it.
    public struct Location: Sendable, Hashable {
        /// The line, counting from 1.
        public let line: Int
        /// The column within the line, counting Unicode scalars from 1 (0 for an empty input).
        public let column: Int
        /// The byte offset from the start of the input, counting from 0.
        public let byteOffset: Int

        /// Creates a location; the library's parser fills these from jansson's `json_error_t`.
        public init(line: Int, column: Int, byteOffset: Int) {
            self.line = line
            self.column = column
            self.byteOffset = byteOffset
        }
    }

    /// What went wrong.
    public let code: Code
    /// Where the input went wrong; `nil` for errors that are not about input text (writing, paths).
    public let location: Location?
    /// The detail, for parse errors jansson's own text such as `'}' expected near '"c"'`.
    public let message: String

    /// Creates an error; callers outside the module rarely need this except in tests and fakes.
    public init(code: Code, location: Location?, message: String) {
        self.code = code
        self.location = location
        self.message = message
    }

    /// One line for a user: what failed, where, and jansson's detail.
    public var description: String {
        switch code {
        case .nonFiniteNumber:
            return "cannot write JSON: \(message)"
        case .invalidPath:
            return "invalid JSON path: \(message)"
        default:
            guard let location else { return "invalid JSON: \(message)" }
            return "invalid JSON at line \(location.line), column \(location.column) "
                + "(byte \(location.byteOffset)): \(message)"
        }
    }
}
