/// Numbers with units as molecule files write them: `5s`, `250ms`, `256Mi`, `1.5Gi`.
enum Quantity {
    /// Memory units and their size in bytes (the scale): decimal (K, M, G, T) and binary (Ki, Mi, Gi, Ti).
    static let memoryUnits: [(unit: String, scale: Int64)] = [
        ("B", 1),
        ("K", 1_000), ("KB", 1_000), ("Ki", 1_024), ("KiB", 1_024),
        ("M", 1_000_000), ("MB", 1_000_000), ("Mi", 1_048_576), ("MiB", 1_048_576),
        ("G", 1_000_000_000), ("GB", 1_000_000_000), ("Gi", 1_073_741_824), ("GiB", 1_073_741_824),
        ("T", 1_000_000_000_000), ("TB", 1_000_000_000_000),
        ("Ti", 1_099_511_627_776), ("TiB", 1_099_511_627_776),
    ]

    /// Duration units and their length in milliseconds (the scale).
    static let durationUnits: [(unit: String, scale: Int64)] = [
        ("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000),
    ]

    /// Splits a number token into its numeric part and unit: `256Mi` → ("256", "Mi").
    static func split(_ text: String) -> (number: String, unit: String) {
        let scalars = Array(text.unicodeScalars)
        var index = 0
        if index < scalars.count, scalars[index] == "-" || scalars[index] == "+" { index += 1 }
        while index < scalars.count,
              scalars[index].properties.numericType != nil || scalars[index] == "." || scalars[index] == "_" {
            index += 1
        }
        var number = String(String.UnicodeScalarView(scalars[..<index]))
        number.removeAll { $0 == "_" }
        return (number, String(String.UnicodeScalarView(scalars[index...])))
    }
}
