extension Duration {
    /// The duration in seconds as a `Double`, for rate arithmetic.
    var inSeconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
