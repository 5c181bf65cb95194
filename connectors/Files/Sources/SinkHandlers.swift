import Foundation
import PacketFlowCore
import PacketFlowRuntime
import Synchronization

/// Stage handlers that end a molecule outside Kafka: a rotating JSON-lines file, standard output.
///
/// Register them under a name in the worker's `HandlerRegistry` (e.g. from a worker executable
/// built with `WorkerLauncher`) and name them with `swift("...")` in the molecule. Each consumes
/// its packet (returns `[]`); a write failure throws, so the worker retries with backoff and
/// then dead-letters the packet with the error's message.
public enum SinkHandlers {
    /// How a packet is written as one line.
    public enum LineFormat: Sendable {
        /// The payload alone: a JSON-lines file of the stage's output.
        case payload
        /// `id<TAB>group<TAB>kind<TAB>payload`, for reading packets while debugging.
        case annotated

        /// The line's bytes, without the newline.
        public func line(for packet: Packet) -> [UInt8] {
            switch self {
            case .payload:
                return packet.payload
            case .annotated:
                return Array("\(packet.id.rawValue)\t\(packet.group.symbol)\t\(packet.kind)\t".utf8) + packet.payload
            }
        }
    }

    /// Appends each packet to `writer` (which rotates by size) as one line.
    public static func file(_ writer: RotatingFileWriter, format: LineFormat = .payload) -> PacketHandler {
        { packet, _ in
            try writer.write(format.line(for: packet))
            return []
        }
    }

    /// Prints each packet on standard output as one line, whole even under concurrent calls.
    public static func standardOutput(format: LineFormat = .annotated) -> PacketHandler {
        let output = Mutex(FileHandle.standardOutput)
        return lines(format: format) { bytes in
            output.withLock { handle in handle.write(Data(bytes)) }
        }
    }

    /// Hands each packet's line, newline included, to `write`: the core of the stdout sink.
    public static func lines(format: LineFormat, write: @escaping @Sendable ([UInt8]) -> Void) -> PacketHandler {
        { packet, _ in
            write(format.line(for: packet) + [0x0A])
            return []
        }
    }
}
