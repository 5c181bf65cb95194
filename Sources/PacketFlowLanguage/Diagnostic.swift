/// One problem found in a molecule file: where, how bad, what, and how to fix it.
///
/// Diagnostics are plain values; ``DiagnosticRenderer`` turns them into the
/// `file:line:col: error: message` text with the source line and a caret.
public struct Diagnostic: Sendable, Hashable, Codable {
    /// How serious a diagnostic is.
    public enum Severity: String, Sendable, Hashable, Codable {
        /// The file cannot be planned until this is fixed.
        case error
        /// The file plans, but probably not as the author meant.
        case warning
    }

    /// Where the problem is.
    public var location: SourceLocation
    /// Error or warning.
    public var severity: Severity
    /// What is wrong, in one line.
    public var message: String
    /// How to fix it, when there is something useful to say ("did you mean ComputePacket?").
    public var hint: String?

    /// Creates a diagnostic.
    public init(location: SourceLocation, severity: Severity, message: String, hint: String? = nil) {
        self.location = location
        self.severity = severity
        self.message = message
        self.hint = hint
    }

    /// Creates an error diagnostic.
    public static func error(_ message: String, at location: SourceLocation, hint: String? = nil) -> Diagnostic {
        Diagnostic(location: location, severity: .error, message: message, hint: hint)
    }

    /// Creates a warning diagnostic.
    public static func warning(_ message: String, at location: SourceLocation, hint: String? = nil) -> Diagnostic {
        Diagnostic(location: location, severity: .warning, message: message, hint: hint)
    }
}

extension Diagnostic: CustomStringConvertible {
    /// The first line of the rendered diagnostic: `file:line:col: error: message`.
    public var description: String { "\(location): \(severity.rawValue): \(message)" }
}

extension [Diagnostic] {
    /// True when at least one diagnostic is an error.
    public var containsErrors: Bool { contains { $0.severity == .error } }
}
