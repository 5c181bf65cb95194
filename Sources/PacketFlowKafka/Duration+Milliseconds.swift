extension Duration {
    /// Whole milliseconds, rounded down: librdkafka's unit for time.
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }

    /// Milliseconds for librdkafka calls that take an `int` timeout, capped at `Int32.max`.
    var timeoutMilliseconds: Int32 {
        Int32(clamping: max(0, milliseconds))
    }
}
