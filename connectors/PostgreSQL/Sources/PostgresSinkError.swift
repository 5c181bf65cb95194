/// Why the PostgreSQL sink cannot start or run.
public struct PostgresSinkError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, for callers that react differently.
    public enum Code: Sendable, Hashable {
        /// The connection URL or an option of the molecule's `connector(...)` is malformed.
        case invalidConfiguration
        /// The molecule declares no connector of that name.
        case unknownConnector
        /// The server refused a statement that is not about one row (the table is missing, a
        /// column does not exist, permissions): retrying cannot help.
        case statementRefused
    }

    /// What went wrong.
    public var code: Code
    /// One line a user can act on.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
