/// CPU and memory amounts written as Kubernetes quantities.
///
/// Exact where it can be: memory keeps the binary or decimal unit the size divides by
/// (`268435456` → `256Mi`, `1000000000` → `1G`), else plain bytes; CPU is written in whole
/// cores when whole (`2`), else in millicores rounded up (`0.5` → `500m`, `0.0001` → `1m`),
/// since Kubernetes rejects finer CPU amounts and a request must not shrink below what was declared.
public enum ResourceQuantity {
    /// The quantity for `cores` of CPU; at least `1m` for any positive amount.
    public static func cpu(_ cores: Double) -> String {
        let millicores = max(1, Int64((cores * 1_000).rounded(.up)))
        return millicores % 1_000 == 0 ? String(millicores / 1_000) : "\(millicores)m"
    }

    /// The quantity for `bytes` of memory, in the largest unit that divides it exactly.
    public static func memory(_ bytes: Int64) -> String {
        let units: [(suffix: String, scale: Int64)] = [
            ("Ti", 1 << 40), ("Gi", 1 << 30), ("Mi", 1 << 20),
            ("T", 1_000_000_000_000), ("G", 1_000_000_000), ("M", 1_000_000),
            ("Ki", 1 << 10), ("k", 1_000),
        ]
        for unit in units where bytes >= unit.scale && bytes % unit.scale == 0 {
            return "\(bytes / unit.scale)\(unit.suffix)"
        }
        return String(bytes)
    }
}
