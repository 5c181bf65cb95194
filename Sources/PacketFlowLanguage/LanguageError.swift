/// The error the molecule language throws: a file that cannot be read, or one that does not check.
public struct LanguageError: Error, Sendable, Hashable {
    /// What went wrong.
    public enum Code: String, Sendable, Hashable {
        /// A file could not be read (missing, unreadable, not UTF-8).
        case unreadableFile = "unreadable-file"
        /// The program has errors; they are in ``LanguageError/diagnostics``.
        case invalidProgram = "invalid-program"
        /// The requested molecule is not declared, or a file declares several and none was chosen.
        case unknownMolecule = "unknown-molecule"
    }

    /// What went wrong.
    public var code: Code
    /// One line a user can act on.
    public var message: String
    /// The diagnostics behind an ``Code/invalidProgram`` error; empty otherwise.
    public var diagnostics: [Diagnostic]

    /// Creates an error.
    public init(_ code: Code, _ message: String, diagnostics: [Diagnostic] = []) {
        self.code = code
        self.message = message
        self.diagnostics = diagnostics
    }
}

extension LanguageError: CustomStringConvertible {
    /// The message, as printed by the command line.
    public var description: String { message }
}
