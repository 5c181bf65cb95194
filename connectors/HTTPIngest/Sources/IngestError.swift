/// The one error type of the HTTP ingest connector.
///
/// Each code maps to one HTTP answer (see ``HTTPIngestAPI``); `message` is what the client
/// reads in the `{"error": ...}` body, or what the CLI prints on one line.
public struct IngestError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Sendable, Hashable {
        /// A line of the body is not JSON (400); ``line`` and ``column`` say where.
        case invalidJSON
        /// The body has no event at all (400).
        case emptyBody
        /// The topic name is not a legal Kafka topic name (400).
        case invalidTopic
        /// The `Idempotency-Key` header is empty, too long or not printable ASCII (400).
        case invalidIdempotencyKey
        /// An event lacks the configured id field, or its value is not a string, number or
        /// boolean (400); nothing of the request was published.
        case invalidEventID
        /// The topic is one of PacketFlow's own, which ingest does not write (403).
        case internalTopic
        /// The request has more events than the in-flight limit, or an event is larger than
        /// the broker takes (413): a retry cannot succeed.
        case tooLarge
        /// More events are outstanding than the configured limit (429).
        case tooManyInFlight
        /// The producer's queue is full or the broker did not acknowledge in time (503).
        case brokerUnavailable
        /// The listen address or another setting is wrong (CLI only).
        case invalidConfiguration
    }

    /// What went wrong.
    public let code: Code
    /// A message a client or operator can act on.
    public let message: String
    /// For ``Code/invalidJSON``: the body's line, counting from 1.
    public let line: Int?
    /// For ``Code/invalidJSON``: the column within that line, counting from 1.
    public let column: Int?

    /// Creates an error; `line` and `column` only for invalid JSON.
    public init(_ code: Code, _ message: String, line: Int? = nil, column: Int? = nil) {
        self.code = code
        self.message = message
        self.line = line
        self.column = column
    }

    /// The message, prefixed with `line L, column C:` for invalid JSON.
    public var description: String {
        guard let line, let column else { return message }
        return "line \(line), column \(column): \(message)"
    }
}
