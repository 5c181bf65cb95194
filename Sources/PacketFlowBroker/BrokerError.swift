/// The one error type of PacketFlowBroker.
///
/// Every failure of the embedded broker and its bootstrap forwarder arrives as a
/// `BrokerError`; topic specifications and provisioning fail with PacketFlowKafka's `TopicError`. `description` is one line a user can
/// act on, fit for a terminal: the command-line shell prints it as is.
public struct BrokerError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure happened.
    public enum Code: Hashable, Sendable {
        /// A `HOST:PORT` listen address did not parse.
        case invalidListenAddress
        /// The requested number of brokers is not a positive number.
        case invalidBrokerCount
        /// The bootstrap forwarder could not listen (port in use, unknown host, no permission).
        case listenFailed
        /// The embedded cluster could not start or could not create a topic.
        case clusterFailed
        /// The bootstrap address could not be written to the address file.
        case addressFileFailed
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
