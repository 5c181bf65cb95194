/// How a molecule's files sit in the ConfigMap volume of its workers.
///
/// Paths are taken relative to the files' deepest common folder, so `import "../lib/x.pf"`
/// still finds its file in the pod; ConfigMap keys are the relative paths with `/` turned
/// into `_` (keys may not hold `/`), made unique with a numeric prefix if two collide.
struct MoleculeVolumeLayout: Hashable {
    /// One file: its ConfigMap key, its path inside the volume, its text.
    struct Entry: Hashable {
        var key: String
        var path: String
        var text: String
    }

    /// The files, the root first.
    var entries: [Entry]
    /// The root file's path inside the volume: what `--molecule` names.
    var rootPath: String { entries[0].path }
    /// 16 hex digits of a hash of every path and text: changes when any file changes, so the
    /// pod template changes and Kubernetes rolls the workers onto the new molecule.
    var checksum: String

    /// Lays `files` out; the first is the root. Throws when a path leaves the common folder
    /// (absolute and relative paths mixed) or is empty.
    init(_ files: [MoleculeSourceFile]) throws(DeployError) {
        guard !files.isEmpty else {
            throw DeployError(.unmountableSources, "no molecule file to mount")
        }
        let split = files.map { Self.components(of: $0.path) }
        guard Set(files.map { $0.path.hasPrefix("/") }).count == 1 else {
            throw DeployError(
                .unmountableSources,
                "molecule files mix absolute and relative paths (\(files.map(\.path).joined(separator: ", "))); import with relative paths")
        }
        var common = split[0].dropLast()
        for parts in split.dropFirst() {
            let folder = parts.dropLast()
            var shared = 0
            while shared < min(common.count, folder.count), common[common.startIndex + shared] == folder[folder.startIndex + shared] {
                shared += 1
            }
            common = common.prefix(shared)
        }
        var usedKeys = Set<String>()
        var entries: [Entry] = []
        for (index, file) in files.enumerated() {
            let relative = split[index].dropFirst(common.count)
            guard !relative.isEmpty, !relative.contains("..") else {
                throw DeployError(.unmountableSources, "cannot place \(file.path) below the molecule's folder")
            }
            let path = relative.joined(separator: "/")
            var key = String(path.map { Self.isKeyCharacter($0) ? $0 : "_" })
            if usedKeys.contains(key) { key = "\(index)-\(key)" }
            usedKeys.insert(key)
            entries.append(Entry(key: key, path: path, text: file.text))
        }
        self.entries = entries
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for entry in entries {
            for byte in entry.path.utf8 + [0] + entry.text.utf8 + [0] {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
        }
        let digits = String(hash, radix: 16)
        self.checksum = String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The path's components with `.` and `..` folded where a folder precedes them.
    private static func components(of path: String) -> [String] {
        var parts: [String] = []
        for part in path.split(separator: "/") where part != "." {
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
            } else {
                parts.append(String(part))
            }
        }
        return parts
    }

    private static func isKeyCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "-" || character == "." || character == "_")
    }
}
