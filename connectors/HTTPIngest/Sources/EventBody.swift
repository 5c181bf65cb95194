import PacketFlowJSON

/// The events of one request body: one JSON document, or JSON lines.
///
/// Blank lines of a JSON-lines body are skipped; a `\r` before `\n` is dropped. Every event is
/// validated with PacketFlowJSON, and the first bad one is reported with its line in the body
/// and its column in that line.
public struct EventBody: Sendable {
    /// How the body is split into events.
    public enum Format: Sendable, Hashable {
        /// The whole body is one JSON value (`Content-Type: application/json`).
        case document
        /// One JSON value per line (`application/x-ndjson`, `application/jsonl`, anything else).
        case lines

        /// The format a `Content-Type` header names; JSON lines unless it is `application/json`.
        public init(contentType: String?) {
            let mediaType = contentType?.split(separator: ";").first.map { $0.filter { $0 != " " }.lowercased() }
            self = mediaType == "application/json" ? .document : .lines
        }
    }

    /// The events, each one JSON value's bytes.
    public let events: [ArraySlice<UInt8>]

    /// Splits and validates `bytes`.
    ///
    /// Throws ``IngestError`` `invalidJSON` with the line and column of the first bad event,
    /// or `emptyBody` when there is no event.
    public init(_ bytes: [UInt8], format: Format) throws(IngestError) {
        switch format {
        case .document:
            guard bytes.contains(where: { !Self.isBlank($0) }) else { throw Self.empty }
            do {
                try JSON.validate(bytes)
            } catch {
                throw Self.invalid(error, line: error.location?.line ?? 1)
            }
            events = [bytes[...]]
        case .lines:
            var events: [ArraySlice<UInt8>] = []
            var lineNumber = 0
            var start = bytes.startIndex
            while start < bytes.endIndex {
                lineNumber += 1
                let newline = bytes[start...].firstIndex(of: 0x0A) ?? bytes.endIndex
                var end = newline
                if end > start, bytes[end - 1] == 0x0D { end -= 1 }
                let line = bytes[start..<end]
                start = newline == bytes.endIndex ? newline : newline + 1
                guard line.contains(where: { !Self.isBlank($0) }) else { continue }
                do {
                    try JSON.validate(line)
                } catch {
                    throw Self.invalid(error, line: lineNumber)
                }
                events.append(line)
            }
            guard !events.isEmpty else { throw Self.empty }
            self.events = events
        }
    }

    private static let empty = IngestError(.emptyBody, "the body holds no event")

    private static func invalid(_ error: JSONError, line: Int) -> IngestError {
        let column = max(error.location?.column ?? 1, 1)
        return IngestError(.invalidJSON, "invalid JSON: \(error.message)", line: line, column: column)
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}
