import PacketFlowCore
import PacketFlowJSON

/// A packet turned into one table row: its id and the text of each mapped column.
public struct PostgresSinkRow: Sendable, Hashable {
    /// The packet's `pf-id`: the row's key, so a redelivered packet writes no second row.
    public var packetID: String
    /// Column values in the order of the sink's mappings; nil is SQL `NULL`.
    public var values: [String?]

    /// Creates a row.
    public init(packetID: String, values: [String?]) {
        self.packetID = packetID
        self.values = values
    }

    /// The row for `record`, or why it can never be written (the dead-letter reason).
    ///
    /// A record without `pf-id` (a foreign message) or whose payload is not JSON has no row.
    public static func make(
        from record: PacketRecord, mappings: [PostgresColumnMapping]
    ) -> Result<PostgresSinkRow, PostgresRowRejection> {
        guard let packetID = record.headers.last(where: { $0.name == PacketWireFormat.Header.id })?.text,
            !packetID.isEmpty
        else {
            return .failure(PostgresRowRejection("no \(PacketWireFormat.Header.id) header: the sink keys rows by packet id"))
        }
        let bytes = record.value ?? []
        var payload: JSONValue?
        if mappings.contains(where: \.needsParsedPayload) {
            do {
                payload = try JSON.parse(bytes)
            } catch {
                return .failure(PostgresRowRejection("invalid JSON payload: \(error)"))
            }
        } else if mappings.contains(where: { $0.source == .payload }) {
            do {
                try JSON.validate(bytes)
            } catch {
                return .failure(PostgresRowRejection("invalid JSON payload: \(error)"))
            }
        }
        var values: [String?] = []
        values.reserveCapacity(mappings.count)
        for mapping in mappings {
            switch mapping.source {
            case .payload:
                values.append(String(decoding: bytes, as: UTF8.self))
            case .header(let name):
                values.append(record.headers.last(where: { $0.name == name })?.text)
            case .field(let path):
                guard let value = payload?.value(at: path) else {
                    values.append(nil)
                    continue
                }
                switch value {
                case .null: values.append(nil)
                case .string(let text): values.append(text)
                default:
                    do {
                        values.append(try value.serializedString())
                    } catch {
                        return .failure(PostgresRowRejection("field \(path) of the payload: \(error)"))
                    }
                }
            }
        }
        return .success(PostgresSinkRow(packetID: packetID, values: values))
    }
}

/// Why a packet can never become a row: the reason its dead-letter record carries.
public struct PostgresRowRejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// The reason in words; for a refused row, the server's message and SQLSTATE.
    public var reason: String

    /// Creates a rejection.
    public init(_ reason: String) {
        self.reason = reason
    }

    /// The reason.
    public var description: String { reason }
}

extension PostgresColumnMapping {
    var needsParsedPayload: Bool {
        if case .field = source { return true }
        return false
    }
}
