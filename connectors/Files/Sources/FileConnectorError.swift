/// The one error type of the file connectors.
public struct FileConnectorError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Sendable, Hashable {
        /// The file cannot be opened, written, or rotated.
        case writeFailed
        /// The file cannot be opened or read.
        case readFailed
        /// A setting is out of range (a limit below 1).
        case invalidConfiguration
    }

    /// What went wrong.
    public let code: Code
    /// Which file and what the system said.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
