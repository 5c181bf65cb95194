import Logging
import PostgresNIO

/// Writes rows into the sink's table over one connection, reconnecting until the server is back.
///
/// ``write(_:)`` is the whole policy: a batch goes in as one upsert statement; when the
/// connection is lost (or the server is restarting, or too busy) the same statement is
/// retried after a growing delay, as long as it takes, because the upsert makes a repeat
/// harmless; when the server refuses the data (SQLSTATE classes 22 and 23: a constraint, a
/// value of the wrong type), the batch is written again one row per statement, so only the
/// rows at fault are rejected, each with the server's message. Any other refusal (missing
/// table or column, permissions, authentication) throws ``PostgresSinkError`` with
/// `statementRefused`: retrying cannot help, and dead-lettering every packet would be worse.
///
/// An actor: one statement at a time, as the connection requires.
public actor PostgresTableWriter {
    private let configuration: PostgresSinkConfiguration
    private let logger: Logger
    private var connection: PostgresConnection?
    private var statement: PostgresUpsertStatement?
    private var nextConnectionID = 1

    /// A writer for `configuration`'s table; nothing connects before ``prepare()``.
    public init(configuration: PostgresSinkConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Connects (waiting for the server like ``write(_:)`` does), creates the table if asked,
    /// and reads the columns' types.
    ///
    /// Throws ``PostgresSinkError`` when a mapped column or the table does not exist, and
    /// closes the connection then.
    public func prepare() async throws {
        do {
            try await retryingWhileUnavailable { try await self.loadStatement() }
        } catch {
            await close()
            throw error
        }
    }

    /// Writes `rows`; returns which were new, which were already there, and which were refused.
    ///
    /// Returns only when every row is settled; throws `CancellationError` when cancelled while
    /// waiting for the server, and ``PostgresSinkError`` for a refusal no row caused.
    public func write(_ rows: [PostgresSinkRow]) async throws -> PostgresWriteResult {
        var result = PostgresWriteResult()
        guard !rows.isEmpty else { return result }
        if statement == nil { try await prepare() }
        let chunk = max(1, min(configuration.maxBatchRows, statement!.maximumRows))
        var start = 0
        while start < rows.count {
            let end = min(start + chunk, rows.count)
            try await write(rows[start..<end], offset: start, into: &result)
            start = end
        }
        return result
    }

    /// Closes the connection, if any; call it before dropping the writer.
    public func close() async {
        try? await connection?.close()
        connection = nil
    }

    private func write(_ rows: ArraySlice<PostgresSinkRow>, offset: Int, into result: inout PostgresWriteResult) async throws {
        do {
            let inserted = try await retryingWhileUnavailable { try await self.insert(rows) }
            result.record(rows: rows.count, inserted: inserted)
        } catch let refusal as PostgresRowRejection where rows.count > 1 {
            logger.debug("batch refused, writing its rows one by one", metadata: ["reason": "\(refusal)"])
            for (index, row) in zip(rows.indices, rows) {
                do {
                    let inserted = try await retryingWhileUnavailable { try await self.insert([row]) }
                    result.record(rows: 1, inserted: inserted)
                } catch let refusal as PostgresRowRejection {
                    result.rejected.append((index - rows.startIndex + offset, refusal))
                }
            }
        } catch let refusal as PostgresRowRejection {
            result.rejected.append((offset, refusal))
        }
    }

    /// Runs the statement; returns how many rows were inserted (the others were duplicates).
    private func insert(_ rows: some Collection<PostgresSinkRow>) async throws -> Int {
        let connection = try await connected()
        let returned = try await connection.query(statement!.query(rows), logger: logger)
        var inserted = 0
        for try await _ in returned { inserted += 1 }
        return inserted
    }

    /// Runs `body` until it succeeds, reconnecting with backoff while the server is unavailable.
    private func retryingWhileUnavailable<Value: Sendable>(_ body: () async throws -> Value) async throws -> Value {
        var delay = configuration.initialReconnectDelay
        var attempts = 0
        while true {
            do {
                return try await body()
            } catch {
                switch PostgresFailure(error) {
                case .unavailable(let reason):
                    try? await connection?.close()
                    connection = nil
                    attempts += 1
                    if attempts == 1 || attempts.isMultiple(of: 10) {
                        logger.warning(
                            "PostgreSQL unavailable, retrying",
                            metadata: ["server": "\(configuration.url)", "reason": "\(reason)", "attempt": "\(attempts)"])
                    }
                    try await Task.sleep(for: delay)
                    delay = min(delay * 2, configuration.maximumReconnectDelay)
                case .rowRefused(let rejection):
                    throw rejection
                case .statementRefused(let message):
                    throw PostgresSinkError(.statementRefused, "PostgreSQL refused writing to \(configuration.table): \(message)")
                case .other(let error):
                    throw error
                }
            }
        }
    }

    private func connected() async throws -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        let connection = try await PostgresConnection.connect(
            configuration: configuration.url.connectionConfiguration, id: nextConnectionID, logger: logger)
        nextConnectionID += 1
        self.connection = connection
        return connection
    }

    /// Creates the table if asked, then builds the statement from the columns' actual types.
    private func loadStatement() async throws {
        let connection = try await connected()
        if configuration.createTable {
            try await connection.query(createTableQuery, logger: logger)
        }
        var binds = PostgresBindings()
        binds.append(PostgresUpsertStatement.qualifiedName(configuration.table))
        let rows = try await connection.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
                    WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped
                    """,
                binds: binds),
            logger: logger)
        var types: [String: String] = [:]
        for try await (name, type) in rows.decode((String, String).self) { types[name] = type }
        guard !types.isEmpty else {
            throw PostgresSinkError(
                .statementRefused,
                "table \(configuration.table) does not exist in \(configuration.url); create it, or leave out columns: so the sink creates one")
        }
        let wanted = [configuration.idColumn] + configuration.columns.map(\.column)
        if let missing = wanted.first(where: { types[$0] == nil }) {
            throw PostgresSinkError(
                .statementRefused,
                "table \(configuration.table) has no column \(missing) (it has \(types.keys.sorted().joined(separator: ", ")))")
        }
        statement = PostgresUpsertStatement(
            table: configuration.table, idColumn: configuration.idColumn,
            columns: configuration.columns.map(\.column),
            idType: types[configuration.idColumn]!, columnTypes: configuration.columns.map { types[$0.column]! })
    }

    private var createTableQuery: PostgresQuery {
        var columns = ["\(PostgresUpsertStatement.quoted(configuration.idColumn)) text PRIMARY KEY"]
        for mapping in configuration.columns {
            columns.append("\(PostgresUpsertStatement.quoted(mapping.column)) \(mapping.source == .payload ? "jsonb" : "text")")
        }
        columns.append("written_at timestamptz NOT NULL DEFAULT now()")
        let sql = "CREATE TABLE IF NOT EXISTS \(PostgresUpsertStatement.qualifiedName(configuration.table)) (\(columns.joined(separator: ", ")))"
        return PostgresQuery(unsafeSQL: sql)
    }
}
