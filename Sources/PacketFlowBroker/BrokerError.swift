/// The one error type of PacketFlowBroker.
///
/// Every failure of the embedded broker, its bootstrap forwarder, its topic-request channel
/// or the `TopicProvisioner` arrives as a `BrokerError`. `description` is one line a user can
/// act on, fit for a terminal: the command-line shell prints it as is.
public struct BrokerError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure happened.
    public enum Code: Hashable, Sendable {
        /// A `HOST:PORT` listen address did not parse.
        case invalidListenAddress
        /// A `NAME:PARTITIONS` topic specification (a flag or a topic request) did not parse.
        case invalidTopicSpec
        /// The requested number of brokers is not a positive number.
        case invalidBrokerCount
        /// The bootstrap forwarder could not listen (port in use, unknown host, no permission).
        case listenFailed
        /// The embedded cluster could not start or could not create a topic.
        case clusterFailed
        /// The bootstrap address could not be written to the address file.
        case addressFileFailed
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
