import PacketFlowCore

/// Where a connector writes the packets of its topic: a database, a file, a terminal.
///
/// A ``ConnectorRunner`` consumes the connector's topic and hands each fetched batch to
/// ``write(_:)``, in order, one batch at a time; it stores the batch's offsets only after
/// `write` returns, so a sink that writes idempotently (an upsert on the packet id) makes
/// redelivery harmless. Records `write` rejects go to the molecule's dead-letter topic with the
/// reason; throwing from it stops the connector without storing the batch.
public protocol ConnectorSink: Sendable {
    /// Readies the destination before the first batch; may wait for it to come up.
    func prepare() async throws
    /// Writes `records`; returns the ones that can never be written, by index, with why.
    func write(_ records: [PacketRecord]) async throws -> [ConnectorRejection]
    /// Releases the destination; called once, last, also after a failure.
    func close() async
    /// One line of what the sink has done, for the connector's exit summary.
    var summary: String { get }
}

/// A record a sink can never write: the dead-letter topic gets it with this reason.
public struct ConnectorRejection: Sendable, Hashable {
    /// The record's index in the batch given to ``ConnectorSink/write(_:)``.
    public var index: Int
    /// Why, in words: the destination's message.
    public var reason: String

    /// Creates a rejection.
    public init(index: Int, reason: String) {
        self.index = index
        self.reason = reason
    }
}
