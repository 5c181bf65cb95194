/// What a sink has done since it started: the figures of its exit summary.
public struct PostgresSinkCounts: Sendable, Hashable, CustomStringConvertible {
    /// Packets consumed from the connector topic.
    public var received = 0
    /// Rows inserted.
    public var inserted = 0
    /// Packets whose id was already in the table, dropped by the upsert (redeliveries).
    public var duplicates = 0
    /// Packets sent to the dead-letter topic: refused by the server, no packet id, invalid JSON.
    public var deadLettered = 0

    /// Zero counts.
    public init() {}

    /// `1000 packets: 990 rows inserted, 8 duplicates dropped, 2 dead-lettered`.
    public var description: String {
        "\(received) packets: \(inserted) rows inserted, \(duplicates) duplicates dropped, \(deadLettered) dead-lettered"
    }
}
