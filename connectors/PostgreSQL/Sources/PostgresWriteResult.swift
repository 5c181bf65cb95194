/// What became of a batch of rows: inserted, already there, or refused by the server.
public struct PostgresWriteResult: Sendable {
    /// Rows inserted by this write.
    public var inserted = 0
    /// Rows whose packet id was already in the table (a redelivered packet): nothing written.
    public var duplicates = 0
    /// Rows the server refused, by their index in the batch, with its reason.
    public var rejected: [(index: Int, rejection: PostgresRowRejection)] = []

    /// An empty result.
    public init() {}

    mutating func record(rows: Int, inserted: Int) {
        self.inserted += inserted
        duplicates += rows - inserted
    }
}
