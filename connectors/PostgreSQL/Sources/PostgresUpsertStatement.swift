import Foundation
import PostgresNIO

/// The batched insert the sink runs: `INSERT ... VALUES (...), (...) ON CONFLICT (id) DO NOTHING RETURNING id`.
///
/// Every value is sent as text and cast to its column's type (`$2::numeric`), so one
/// statement shape serves any table, and the server's own conversion decides what a value
/// means. `RETURNING` names the rows actually inserted: the others were already there, that
/// is, duplicates of packets written before.
struct PostgresUpsertStatement: Sendable {
    /// The table, quoted and qualified as written: `"public"."orders"`.
    let table: String
    /// The id column, quoted.
    let idColumn: String
    /// The value columns, quoted, in the mappings' order.
    let columns: [String]
    /// The SQL type of the id column and of each value column, used in the casts.
    let types: [String]

    /// A statement for `table` (which may be `schema.table`) with the columns' SQL types.
    init(table: String, idColumn: String, columns: [String], idType: String, columnTypes: [String]) {
        self.table = Self.qualifiedName(table)
        self.idColumn = Self.quoted(idColumn)
        self.columns = columns.map(Self.quoted)
        self.types = [idType] + columnTypes
    }

    /// The query that writes `rows`.
    func query(_ rows: some Collection<PostgresSinkRow>) -> PostgresQuery {
        let width = 1 + columns.count
        var sql = "INSERT INTO \(table) (\(([idColumn] + columns).joined(separator: ", "))) VALUES "
        var bindings = PostgresBindings(capacity: rows.count * width)
        var parameter = 1
        for (index, row) in rows.enumerated() {
            if index > 0 { sql += ", " }
            sql += "("
            for column in 0..<width {
                if column > 0 { sql += ", " }
                sql += "$\(parameter)::\(types[column])"
                parameter += 1
            }
            sql += ")"
            bindings.append(row.packetID)
            for value in row.values {
                if let value { bindings.append(value) } else { bindings.appendNull() }
            }
        }
        sql += " ON CONFLICT (\(idColumn)) DO NOTHING RETURNING \(idColumn)"
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }

    /// The most rows one statement can carry: PostgreSQL takes at most 65,535 parameters.
    var maximumRows: Int { Int(UInt16.max) / (1 + columns.count) }

    /// `name` as a quoted identifier: `"order ""items"""`.
    static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `schema.table` as `"schema"."table"`; a name without a dot is quoted whole.
    static func qualifiedName(_ name: String) -> String {
        name.split(separator: ".", omittingEmptySubsequences: false).map { quoted(String($0)) }.joined(separator: ".")
    }
}
