extension Duration {
    /// The duration in seconds as a `Double`, for rate arithmetic.
    var inSeconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }

    /// A duration from seconds given as a `Double` (rounded to the nanosecond).
    static func seconds(fromDouble seconds: Double) -> Duration {
        .nanoseconds(Int64((seconds * 1e9).rounded()))
    }
}
