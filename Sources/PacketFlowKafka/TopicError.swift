/// Why a topic could not be specified or provisioned (``TopicSpec``, ``TopicProvisioner``,
/// ``TopicRequestChannel``). `description` is one line a user can act on.
public struct TopicError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure happened.
    public enum Code: Hashable, Sendable {
        /// A topic name or partition count Kafka would reject, or a `NAME:PARTITIONS`
        /// specification (a flag or a topic request) that did not parse.
        case invalidTopicSpec
        /// A topic exists with fewer partitions than a caller asked for.
        case partitionCountMismatch
        /// A topic did not appear with its partitions before the deadline.
        case provisioningTimedOut
        /// The cluster could not be reached or refused a request while provisioning a topic.
        case provisioningFailed
    }

    /// What kind of failure happened.
    public let code: Code
    /// What happened and, where known, what to do about it.
    public let message: String

    /// Creates an error with a message a user can act on.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// The message, one line.
    public var description: String { message }
}
