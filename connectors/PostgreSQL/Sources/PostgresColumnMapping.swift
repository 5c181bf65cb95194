import Foundation
import PacketFlowCore
import PacketFlowJSON

/// One table column and where its value comes from: a payload field, the whole payload, or a header.
///
/// Written in a molecule's `columns:` option as `column=source`, where source is a dotted path
/// into the payload (`amount.total`), `@payload` (the payload as JSON text, for a `jsonb`
/// column), or `@kind`, `@group`, `@molecule`, `@stage`, `@trace` (the packet's headers).
/// A bare `name` maps the payload field of the same name.
///
/// A missing field or JSON `null` writes SQL `NULL`. Strings are written as their text,
/// numbers and booleans as their JSON spelling, objects and arrays as JSON text; the server
/// converts the text to the column's type, so a value it cannot convert (`"abc"` into an
/// `integer` column) sends that packet to the dead-letter topic with the server's message.
public struct PostgresColumnMapping: Sendable, Hashable {
    /// Where a column's value comes from.
    public enum Source: Sendable, Hashable {
        /// A field of the JSON payload.
        case field(JSONPath)
        /// The whole payload, as JSON text.
        case payload
        /// A packet header's text, such as `pf-kind`.
        case header(String)
    }

    /// The column's name in the table.
    public var column: String
    /// Where its value comes from.
    public var source: Source

    /// Creates a mapping.
    public init(column: String, source: Source) {
        self.column = column
        self.source = source
    }

    /// The columns of a sink without a `columns:` option: `kind` from `pf-kind`, and the payload.
    public static func jsonDocument(payloadColumn: String) -> [PostgresColumnMapping] {
        [
            PostgresColumnMapping(column: "kind", source: .header(PacketWireFormat.Header.kind)),
            PostgresColumnMapping(column: payloadColumn, source: .payload),
        ]
    }

    /// Parses `column=source, column=source` as written in a molecule's `columns:` option.
    ///
    /// Throws ``PostgresSinkError`` (`invalidConfiguration`) naming the entry that is malformed.
    public static func list(_ text: String) throws(PostgresSinkError) -> [PostgresColumnMapping] {
        var mappings: [PostgresColumnMapping] = []
        for entry in text.split(separator: ",") {
            let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let column = parts[0]
            let sourceText = parts.count == 2 ? parts[1] : column
            guard !column.isEmpty, !sourceText.isEmpty else {
                throw PostgresSinkError(.invalidConfiguration, "columns: entry '\(entry)' is not column=source")
            }
            mappings.append(PostgresColumnMapping(column: column, source: try source(sourceText, entry: entry)))
        }
        guard !mappings.isEmpty else {
            throw PostgresSinkError(.invalidConfiguration, "columns: names no column")
        }
        return mappings
    }

    private static let headerSources: [String: String] = [
        "@kind": PacketWireFormat.Header.kind,
        "@group": PacketWireFormat.Header.group,
        "@molecule": PacketWireFormat.Header.molecule,
        "@stage": PacketWireFormat.Header.stage,
        "@trace": PacketWireFormat.Header.traceparent,
    ]

    private static func source(_ text: String, entry: Substring) throws(PostgresSinkError) -> Source {
        if text == "@payload" { return .payload }
        if let header = headerSources[text] { return .header(header) }
        if text.hasPrefix("@") {
            let known = (["@payload"] + headerSources.keys.sorted()).joined(separator: ", ")
            throw PostgresSinkError(.invalidConfiguration, "columns: entry '\(entry)': unknown source \(text) (known: \(known))")
        }
        do {
            return .field(try JSONPath(text))
        } catch {
            throw PostgresSinkError(.invalidConfiguration, "columns: entry '\(entry)': \(error.message)")
        }
    }
}
