/// Path arithmetic for imports, without Foundation: `import "packets.pf"` is relative to the
/// importing file's directory.
enum SourcePath {
    /// `imported` resolved against the directory of `importer`, with `.` and `..` folded.
    static func resolve(_ imported: String, relativeTo importer: String) -> String {
        if imported.hasPrefix("/") { return normalize(imported) }
        guard let slash = importer.lastIndex(of: "/") else { return normalize(imported) }
        return normalize(String(importer[...slash]) + imported)
    }

    /// Folds `.` and `..` components and repeated slashes.
    static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
            } else if part == "..", absolute {
                continue
            } else {
                parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }
}
