/// Header names a dead-letter record adds to the packet it carries (docs/dead-letter.md):
/// written by the worker, read by the reactor to count dead letters per stage.
public enum DeadLetterHeader {
    /// Why the packet failed: the last error, "invalid JSON...", "deadline passed...".
    public static let reason = "pf-dlq-reason"
    /// The stage that gave up.
    public static let stage = "pf-dlq-stage"
    /// The molecule of that stage.
    public static let molecule = "pf-dlq-molecule"
    /// Where the input was read: `topic[partition]@offset`.
    public static let source = "pf-dlq-source"
}
