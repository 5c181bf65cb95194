/// A failure of a client-side operation (publishing, reading), with a message a user can act on.
public struct ClientError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure it is.
    public enum Code: String, Sendable {
        /// The input could not be read.
        case input
        /// An input line is not valid JSON or lacks the key field.
        case invalidEvent
        /// The broker did not acknowledge every event.
        case delivery
        /// Options that do not fit together.
        case usage
    }

    /// What kind of failure it is.
    public var code: Code
    /// One line saying what happened and where.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
