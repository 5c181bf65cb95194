import Foundation
import PacketFlowCore
import PacketFlowRuntime
import Synchronization

/// The `file` and `stdout` connectors: a molecule's packets written as lines, one per packet.
///
/// `connector("file", from: SavePacket, path: "out/orders.jsonl", max_bytes: 67108864, keep: 5)`
/// appends each packet's payload to a ``RotatingFileWriter``; `connector("stdout")` prints
/// `id<TAB>group<TAB>kind<TAB>payload` lines for debugging. Option `format:` (`payload` or
/// `annotated`) overrides either default. Run by a ``ConnectorRunner`` (`packetflow connector`),
/// so offsets are stored after the lines are written: a crash can repeat lines, never lose them.
/// A packet whose headers are malformed is rejected to the dead-letter topic; a failed write
/// throws, which stops the connector with the system's message.
public final class LineConnectorSink: ConnectorSink {
    private let format: SinkHandlers.LineFormat
    private let output: @Sendable ([UInt8]) throws -> Void
    private let finish: @Sendable () -> Void
    private let written = Mutex(0)

    private init(
        format: SinkHandlers.LineFormat, output: @escaping @Sendable ([UInt8]) throws -> Void,
        finish: @escaping @Sendable () -> Void
    ) {
        self.format = format
        self.output = output
        self.finish = finish
    }

    /// The sink a molecule's `connector("file", ...)` or `connector("stdout", ...)` declares.
    ///
    /// Throws ``FileConnectorError`` (`invalidConfiguration`) for another connector name, a
    /// file connector without `path:`, an unknown option or a malformed number.
    public static func make(connector: ConnectorConfiguration) throws(FileConnectorError) -> LineConnectorSink {
        let place = "connector(\"\(connector.name)\") of molecule \(connector.molecule)"
        let options = connector.options
        let known: Set<String> = connector.name == "file" ? ["path", "max_bytes", "keep", "format"] : ["format"]
        if let unknown = options.keys.sorted().first(where: { !known.contains($0) }) {
            throw FileConnectorError(
                .invalidConfiguration, "\(place): unknown option \(unknown) (known: \(known.sorted().joined(separator: ", ")))")
        }
        let format: SinkHandlers.LineFormat
        switch options["format"] {
        case nil: format = connector.name == "file" ? .payload : .annotated
        case "payload": format = .payload
        case "annotated": format = .annotated
        case let other?: throw FileConnectorError(.invalidConfiguration, "\(place): format: must be payload or annotated, not \(other)")
        }
        switch connector.name {
        case "file":
            guard let path = options["path"], !path.isEmpty else {
                throw FileConnectorError(.invalidConfiguration, "\(place) needs a path: option, e.g. path: \"out/results.jsonl\"")
            }
            let maxBytes = try number(options["max_bytes"], default: 64 << 20, option: "max_bytes", place: place)
            let keep = try number(options["keep"], default: 5, option: "keep", place: place)
            let writer = try RotatingFileWriter(path: path, maxBytes: maxBytes, keep: keep)
            return LineConnectorSink(format: format, output: { try writer.write($0) }, finish: { writer.close() })
        case "stdout":
            let handle = Mutex(FileHandle.standardOutput)
            return LineConnectorSink(
                format: format, output: { line in handle.withLock { $0.write(Data(line + [0x0A])) } }, finish: {})
        default:
            throw FileConnectorError(.invalidConfiguration, "\(place): not a file or stdout connector")
        }
    }

    /// Nothing to ready: the file was opened by ``make(connector:)``.
    public func prepare() async throws {}

    /// Writes one line per record, in order; rejects records whose headers are malformed.
    public func write(_ records: [PacketRecord]) async throws -> [ConnectorRejection] {
        var rejections: [ConnectorRejection] = []
        for (index, record) in records.enumerated() {
            let packet: Packet
            do {
                packet = try PacketWireFormat.packet(from: record)
            } catch {
                rejections.append(ConnectorRejection(index: index, reason: "\(error)"))
                continue
            }
            try output(format.line(for: packet))
        }
        written.withLock { $0 += records.count - rejections.count }
        return rejections
    }

    /// Closes the file.
    public func close() async {
        finish()
    }

    /// `1200 lines written`.
    public var summary: String { "\(written.withLock { $0 }) lines written" }

    private static func number(_ text: String?, default value: Int, option: String, place: String) throws(FileConnectorError) -> Int {
        guard let text else { return value }
        guard let number = Int(text), number >= 1 else {
            throw FileConnectorError(.invalidConfiguration, "\(place): \(option): must be a positive whole number, not \(text)")
        }
        return number
    }
}
