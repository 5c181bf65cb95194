/// Why the worker runtime failed: one error type for the module, with a code and a message a
/// user can act on.
public struct RuntimeError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Sendable, Hashable {
        /// The molecule has no stage of that name.
        case unknownStage
        /// A `swift("name")` handler is not registered in this process.
        case unknownHandler
        /// A `builtin(...)` handler name or expression cannot be read.
        case invalidBuiltin
        /// A handler call took longer than the stage's timeout.
        case timedOut
        /// An exec handler's program exited, answered garbage or could not start.
        case execFailed
        /// The program answered the request with an error value.
        case handlerFailed
        /// Kafka refused an output, the dead-letter record or a commit.
        case kafkaFailed
        /// A state store was used that the stage does not share.
        case unknownStateStore
        /// A state store update lost the race for its key too many times in a row.
        case stateConflict
        /// Worker configuration that cannot work.
        case invalidConfiguration
        /// The worker stopped after an earlier failure; the message is left uncommitted and comes again.
        case stopped
    }

    /// What went wrong.
    public var code: Code
    /// What happened and what to do about it.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
