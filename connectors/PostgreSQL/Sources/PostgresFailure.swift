import PostgresNIO

/// How the sink reacts to an error from postgres-nio: wait, reject the row, or stop.
enum PostgresFailure {
    /// The server is out of reach, restarting, or too busy: try the same statement again later.
    case unavailable(String)
    /// The data is at fault (a constraint, a value of the wrong type): that row can never be written.
    case rowRefused(PostgresRowRejection)
    /// The statement itself is refused (missing table, permissions, authentication).
    case statementRefused(String)
    /// Not a database error at all (cancellation, the sink's own errors).
    case other(any Error)

    /// SQLSTATE classes that blame the connection or the server's state, not the statement:
    /// 08 connection exception, 53 insufficient resources, 57 operator intervention (shutdown,
    /// restart), 58 system error; and two codes that succeed when retried.
    private static let unavailableClasses: Set<Substring> = ["08", "53", "57", "58"]
    private static let retriedStates: Set<String> = ["40001", "40P01"]
    /// SQLSTATE classes that blame a row's data: 22 data exception, 23 integrity constraint violation.
    private static let rowClasses: Set<Substring> = ["22", "23"]

    init(_ error: any Error) {
        if let rejection = error as? PostgresRowRejection {
            self = .rowRefused(rejection)
            return
        }
        guard let error = error as? PSQLError else {
            self = .other(error)
            return
        }
        guard error.code == .server, let state = error.serverInfo?[.sqlState] else {
            // Connection refused or reset, the server closed the socket, a failed handshake.
            self = .unavailable(Self.describe(error))
            return
        }
        let message = error.serverInfo?[.message] ?? "error"
        let detail = error.serverInfo?[.detail].map { " (\($0))" } ?? ""
        let text = "\(message)\(detail) [SQLSTATE \(state)]"
        let stateClass = state.prefix(2)
        if Self.unavailableClasses.contains(stateClass) || Self.retriedStates.contains(state) {
            self = .unavailable(text)
        } else if Self.rowClasses.contains(stateClass) {
            self = .rowRefused(PostgresRowRejection(text))
        } else {
            self = .statementRefused(text)
        }
    }

    private static func describe(_ error: PSQLError) -> String {
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }
}
