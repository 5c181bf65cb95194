/// Reads molecule files by path, for ``MoleculeProgram/load(path:loader:)`` and its imports.
///
/// Paths arrive already resolved against the importing file (`dir/packets.pf`); a loader only
/// reads. Tests use ``InMemorySourceLoader``; the command line uses ``FileSystemSourceLoader``.
public protocol SourceLoader: Sendable {
    /// The text of the file at `path`.
    ///
    /// Throws a ``LanguageError`` with code ``LanguageError/Code/unreadableFile`` and a short
    /// reason ("no such file") when the file cannot be read.
    func load(_ path: String) throws(LanguageError) -> String
}
