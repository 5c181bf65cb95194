/// "Did you mean ...?": the closest known name to a misspelt one.
enum Suggestion {
    /// The candidate closest to `name` by edit distance, if close enough to be a likely typo.
    ///
    /// A case-insensitive exact match wins; otherwise the distance must be at most a third of
    /// the name's length (at least 1, at most 3). Ties go to the first candidate.
    static func closest(to name: String, in candidates: some Sequence<String>) -> String? {
        let lowered = name.lowercased()
        let target = Array(lowered.unicodeScalars)
        let limit = min(3, max(1, target.count / 3))
        var best: (name: String, distance: Int)?
        for candidate in candidates where candidate != name {
            let other = candidate.lowercased()
            if other == lowered { return candidate }
            let otherScalars = Array(other.unicodeScalars)
            guard abs(otherScalars.count - target.count) <= limit else { continue }
            let distance = editDistance(target, otherScalars)
            if distance <= limit, distance < (best?.distance ?? .max) {
                best = (candidate, distance)
            }
        }
        return best?.name
    }

    /// Levenshtein distance, counting a swap of two neighbours as one edit.
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var row = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            row[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    row[j] = min(row[j], previousPrevious[j - 2] + 1)
                }
            }
            (previousPrevious, previous, row) = (previous, row, previousPrevious)
        }
        return previous[b.count]
    }
}
