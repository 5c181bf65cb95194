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
