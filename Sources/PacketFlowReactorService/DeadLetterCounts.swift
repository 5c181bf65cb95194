/// What a molecule's dead-letter topic holds, per stage that wrote it.
public struct DeadLetterCounts: Sendable, Hashable {
    /// Records in the topic now (high minus low watermark, summed over partitions).
    public var records: Int64
    /// Records read per stage, from each record's `pf-dlq-stage` header; records without one
    /// count under "". Includes records retention deleted after they were read.
    public var byStage: [String: Int64]
    /// Whether the reader has once read the whole topic: until then `byStage` is still
    /// catching up with history, and its growth is no dead-letter rate.
    public var isComplete: Bool

    /// Creates counts.
    public init(records: Int64, byStage: [String: Int64], isComplete: Bool) {
        self.records = records
        self.byStage = byStage
        self.isComplete = isComplete
    }

    /// No records, complete.
    public static let empty = DeadLetterCounts(records: 0, byStage: [:], isComplete: true)
}
