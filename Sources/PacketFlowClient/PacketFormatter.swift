import PacketFlowCore
import PacketFlowJSON

/// Renders read packets for people (a table) or for programs (JSON lines).
public enum PacketFormatter {
    /// The table's heading line.
    public static let tableHeading = row(["PARTITION", "OFFSET", "GROUP", "KIND", "KEY", "VALUE", "HEADERS"])

    /// One table row: where the message is, its group, kind, key, value and other headers.
    ///
    /// Long keys and values are cut with an ellipsis; an undecodable packet shows `!!` as its
    /// group and the reason in place of its kind.
    public static func tableRow(_ entry: PacketReader.Entry) -> String {
        let record = entry.record
        let value = shorten(text(record.value ?? []), to: 60)
        switch entry.packet {
        case .success(let packet):
            let headers = packet.otherHeaders.map { "\($0.name)=\($0.text ?? "")" }.joined(separator: " ")
            return row([
                String(record.partition), String(record.offset), packet.group.symbol, shorten(packet.kind, to: 20),
                shorten(packet.key.map(text) ?? "-", to: 20), value, headers,
            ])
        case .failure(let error):
            return row([String(record.partition), String(record.offset), "!!", error.description, "-", value, ""])
        }
    }

    /// One JSON object per packet, keys in a fixed order; the payload is embedded as JSON when
    /// it is valid JSON, or given as `value` text otherwise.
    public static func jsonLine(_ entry: PacketReader.Entry) -> String {
        let record = entry.record
        var object: JSONObject = [
            "topic": .string(record.topic),
            "partition": .integer(Int64(record.partition)),
            "offset": .integer(record.offset),
        ]
        if let timestamp = record.timestampMilliseconds { object.updateValue(.integer(timestamp), forKey: "timestamp") }
        switch entry.packet {
        case .success(let packet):
            object.updateValue(.string(packet.id.rawValue), forKey: "id")
            object.updateValue(.string(packet.group.symbol), forKey: "group")
            object.updateValue(.string(packet.kind), forKey: "kind")
            if let key = packet.key { object.updateValue(.string(text(key)), forKey: "key") }
            if let molecule = packet.molecule { object.updateValue(.string(molecule), forKey: "molecule") }
            if let stage = packet.stage { object.updateValue(.string(stage), forKey: "stage") }
            object.updateValue(.integer(Int64(packet.attempt)), forKey: "attempt")
            if let trace = packet.trace { object.updateValue(.string(trace.traceparent), forKey: "traceparent") }
            if !packet.otherHeaders.isEmpty {
                let headers = JSONObject(packet.otherHeaders.map { ($0.name, $0.text.map(JSONValue.string) ?? .null) })
                object.updateValue(.object(headers), forKey: "headers")
            }
        case .failure(let error):
            object.updateValue(.string(error.description), forKey: "error")
        }
        if let payload = try? JSON.parse(record.value ?? []) {
            object.updateValue(payload, forKey: "payload")
        } else {
            object.updateValue(record.value.map { .string(text($0)) } ?? .null, forKey: "value")
        }
        return (try? JSONValue.object(object).serializedString()) ?? "{}"
    }

    private static let widths = [9, 8, 5, 20, 20, 60]

    private static func row(_ cells: [String]) -> String {
        var line = ""
        for (index, cell) in cells.enumerated() {
            if index < widths.count {
                line += cell + String(repeating: " ", count: max(1, widths[index] - cell.count + 1))
            } else {
                line += cell
            }
        }
        return String(line.reversed().drop(while: { $0 == " " }).reversed())
    }

    private static func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self).replacing("\n", with: " ")
    }

    private static func shorten(_ text: String, to width: Int) -> String {
        text.count <= width ? text : String(text.prefix(width - 1)) + "…"
    }
}
