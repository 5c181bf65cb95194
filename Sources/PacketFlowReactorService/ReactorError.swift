import PacketFlowLanguage

/// Why the reactor refused a request or could not do its work.
///
/// `message` is one line a user can act on; `diagnostics` carries the rendered language
/// diagnostics when a deployed molecule does not check.
public struct ReactorError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a code.
    public enum Code: String, Sendable {
        /// The molecule has errors; ``ReactorError/diagnostics`` shows them.
        case invalidMolecule
        /// No molecule of that name is deployed.
        case unknownMolecule
        /// The molecule has no stage of that name.
        case unknownStage
        /// The registry topic could not be read or written.
        case registryFailed
        /// The control topic could not be read or written.
        case controlFailed
        /// A worker process could not be started.
        case workerFailed
        /// The reactor's HTTP API answered with an error or could not be reached.
        case requestFailed
        /// A request lacked the bearer token or carried a wrong one.
        case unauthorized
    }

    /// The code.
    public var code: Code
    /// The message.
    public var message: String
    /// Rendered diagnostics of a molecule that does not check, else empty.
    public var diagnostics: String

    /// Creates an error.
    public init(_ code: Code, _ message: String, diagnostics: String = "") {
        self.code = code
        self.message = message
        self.diagnostics = diagnostics
    }

    /// The message, followed by the diagnostics when there are any.
    public var description: String { diagnostics.isEmpty ? message : "\(message)\n\(diagnostics)" }
}
