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

/// A loader over a dictionary of path to text: molecule files without a disk.
public struct InMemorySourceLoader: SourceLoader {
    /// The files, by path.
    public var files: [String: String]

    /// Creates a loader over `files`.
    public init(_ files: [String: String]) {
        self.files = files
    }

    /// The text of `path`, or an ``LanguageError/Code/unreadableFile`` error.
    public func load(_ path: String) throws(LanguageError) -> String {
        guard let text = files[path] else { throw LanguageError(.unreadableFile, "no such file") }
        return text
    }
}
