import Logging
import PacketFlowCore
import PacketFlowRuntime
import Synchronization

/// A molecule's PostgreSQL connector: upserts every packet of its topic into a table.
///
/// Run it with a ``ConnectorRunner`` (PacketFlowRuntime), which consumes the connector topic
/// and stores a batch's offsets only once ``write(_:)`` has returned: each batch is turned
/// into rows (see ``PostgresColumnMapping``) and written by a ``PostgresTableWriter`` in
/// statements of up to `maxBatchRows`, so a crash at any point redelivers packets the table may
/// already hold, and the upsert on the packet id drops them (counted as duplicates). Packets
/// that can never be written (the server refuses the row, no `pf-id`, invalid JSON) are
/// returned as rejections, which the runner sends to the dead-letter topic with the reason.
/// While the database is unreachable `write` waits and retries the same batch, so an outage
/// loses nothing and dead-letters nothing.
public final class PostgresSink: ConnectorSink {
    private let configuration: PostgresSinkConfiguration
    private let writer: PostgresTableWriter
    private let tally = Mutex(PostgresSinkCounts())

    /// A sink for `configuration`; nothing connects before ``prepare()``.
    public init(configuration: PostgresSinkConfiguration, logger: Logger = Logger(label: "packetflow.postgres")) {
        self.configuration = configuration
        self.writer = PostgresTableWriter(configuration: configuration, logger: logger)
    }

    /// What the sink has done so far.
    public var counts: PostgresSinkCounts { tally.withLock { $0 } }

    /// The counts, for the connector's exit line.
    public var summary: String { counts.description }

    /// Connects (waiting for the server), creates the table if asked and reads its columns.
    ///
    /// Throws ``PostgresSinkError`` when the table cannot be written at all (missing table or
    /// column, permissions, authentication).
    public func prepare() async throws {
        try await writer.prepare()
    }

    /// Writes one consumed batch; returns the packets that can never become rows.
    public func write(_ records: [PacketRecord]) async throws -> [ConnectorRejection] {
        var rows: [PostgresSinkRow] = []
        var rowIndices: [Int] = []
        var rejections: [ConnectorRejection] = []
        rows.reserveCapacity(records.count)
        for (index, record) in records.enumerated() {
            switch PostgresSinkRow.make(from: record, mappings: configuration.columns) {
            case .success(let row):
                rows.append(row)
                rowIndices.append(index)
            case .failure(let rejection):
                rejections.append(ConnectorRejection(index: index, reason: rejection.reason))
            }
        }
        let result = try await writer.write(rows)
        rejections += result.rejected.map { ConnectorRejection(index: rowIndices[$0.index], reason: $0.rejection.reason) }
        tally.withLock { counts in
            counts.received += records.count
            counts.inserted += result.inserted
            counts.duplicates += result.duplicates
            counts.deadLettered += rejections.count
        }
        return rejections.sorted { $0.index < $1.index }
    }

    /// Closes the connection.
    public func close() async {
        await writer.close()
    }
}
