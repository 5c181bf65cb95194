import PacketFlowLanguage

/// A molecule file and the files it imports, as the reactor stores and lays them out.
///
/// Paths are relative to the files' deepest common folder, so `import "../lib/x.pf"` resolves
/// in the reactor's copy as it did on disk. `packetflow deploy` makes one from the program it
/// checked (``init(sources:workingDirectory:)``); the reactor plans it again from these files
/// alone and writes them under `STATE-DIR/molecules/NAME/` for the workers.
public struct MoleculeBundle: Sendable, Hashable, Codable {
    /// The root file's path in the bundle, e.g. `app/pipeline.pf`.
    public var root: String
    /// Every file by its path in the bundle, the root included.
    public var files: [String: String]

    /// A bundle of `files` whose root is `root`.
    public init(root: String, files: [String: String]) {
        self.root = root
        self.files = files
    }

    /// Lays out a program's `sources` (the root first, as `MoleculeProgram.sources` lists
    /// them), relative paths taken from `workingDirectory`.
    public init(sources: [SourceFile], workingDirectory: String) {
        let paths = sources.map { source in
            Self.components(source.name.hasPrefix("/") ? source.name : workingDirectory + "/" + source.name)
        }
        var common = paths.first.map { Array($0.dropLast()) } ?? []
        for path in paths.dropFirst() {
            let folder = path.dropLast()
            common = Array(zip(common, folder).prefix { $0 == $1 }.map(\.0))
        }
        let relative = paths.map { $0.dropFirst(common.count).joined(separator: "/") }
        self.root = relative.first ?? ""
        self.files = Dictionary(zip(relative, sources.map(\.text)), uniquingKeysWith: { first, _ in first })
    }

    /// The root file's text, or nil when the bundle lacks it.
    public var rootText: String? { files[root] }

    /// Files other than the root, or nil for a self-contained molecule.
    public var imports: [String: String]? {
        let others = files.filter { $0.key != root }
        return others.isEmpty ? nil : others
    }

    /// The first path that would leave the bundle's folder once written (absolute, `..`,
    /// empty parts), or nil when every path stays inside.
    public var escapingPath: String? {
        files.keys.sorted().first { path in
            path.isEmpty || path.hasPrefix("/") || path.split(separator: "/", omittingEmptySubsequences: false)
                .contains { $0.isEmpty || $0 == "." || $0 == ".." }
        }
    }

    /// An absolute path's components with `.` and `..` folded.
    private static func components(_ path: String) -> [String] {
        var parts: [String] = []
        for part in path.split(separator: "/") where part != "." {
            if part == ".." {
                if !parts.isEmpty { parts.removeLast() }
            } else {
                parts.append(String(part))
            }
        }
        return parts
    }
}
