/// A failure of dev mode, with a message a user can act on.
public struct DevError: Error, CustomStringConvertible, Sendable {
    /// What went wrong and what to do.
    public var message: String

    /// An error with `message`.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
