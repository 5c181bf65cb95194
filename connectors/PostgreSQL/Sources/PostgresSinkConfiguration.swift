import PacketFlowRuntime

/// What a PostgreSQL sink writes where: the connection, the table and its columns, batching and retries.
///
/// Built from a molecule's `connector("postgres", table: "orders", ...)` with
/// ``init(connector:url:)``, or field by field. Defaults: one row per
/// packet keyed by `packet_id`; without `columns:`, the columns `kind` and `payload` (jsonb),
/// and the table created when missing.
public struct PostgresSinkConfiguration: Sendable {
    /// The database.
    public var url: PostgresConnectionURL
    /// The table, optionally `schema.table`.
    public var table: String
    /// The column holding the packet id. It must carry a unique constraint (the upsert's
    /// conflict target). Default: `packet_id`.
    public var idColumn: String = "packet_id"
    /// The other columns and where their values come from.
    public var columns: [PostgresColumnMapping]
    /// Create the table when it does not exist, with a text primary key for the id, `jsonb`
    /// for `@payload` columns and `text` for the others. Default: true without `columns:`.
    public var createTable: Bool
    /// The most rows one statement writes; a consumed batch is split into statements of this
    /// size. Default: 500.
    public var maxBatchRows: Int = 500
    /// The first wait before reconnecting after the connection is lost; it doubles up to
    /// ``maximumReconnectDelay``. Default: 100 ms.
    public var initialReconnectDelay: Duration = .milliseconds(100)
    /// The longest wait between reconnection attempts. Default: 5 s.
    public var maximumReconnectDelay: Duration = .seconds(5)

    /// A sink for `connector`, connecting to `url`.
    ///
    /// Reads the connector's options: `table` (required), `columns` (see
    /// ``PostgresColumnMapping``), `id` (the id column), `payload` (the payload column's name
    /// without `columns:`), `create` (`true`/`false`) and `batch` (rows per statement).
    /// Throws ``PostgresSinkError`` (`invalidConfiguration`) naming a missing or malformed option.
    public init(connector: ConnectorConfiguration, url: PostgresConnectionURL) throws(PostgresSinkError) {
        let options = connector.options
        let place = "connector(\"\(connector.name)\") of molecule \(connector.molecule)"
        guard let table = options["table"], !table.isEmpty else {
            throw PostgresSinkError(.invalidConfiguration, "\(place) needs a table: option, e.g. table: \"orders\"")
        }
        let known: Set<String> = ["table", "columns", "id", "payload", "create", "batch"]
        if let unknown = options.keys.sorted().first(where: { !known.contains($0) }) {
            throw PostgresSinkError(
                .invalidConfiguration, "\(place): unknown option \(unknown) (known: \(known.sorted().joined(separator: ", ")))")
        }
        self.url = url
        self.table = table
        if let id = options["id"] { self.idColumn = id }
        if let columns = options["columns"] {
            self.columns = try PostgresColumnMapping.list(columns)
        } else {
            self.columns = PostgresColumnMapping.jsonDocument(payloadColumn: options["payload"] ?? "payload")
        }
        switch options["create"] {
        case nil: self.createTable = options["columns"] == nil
        case "true": self.createTable = true
        case "false": self.createTable = false
        case let other?: throw PostgresSinkError(.invalidConfiguration, "\(place): create: must be true or false, not \(other)")
        }
        if let batch = options["batch"] {
            guard let rows = Int(batch), rows > 0 else {
                throw PostgresSinkError(.invalidConfiguration, "\(place): batch: must be a positive number of rows, not \(batch)")
            }
            self.maxBatchRows = rows
        }
    }
}
