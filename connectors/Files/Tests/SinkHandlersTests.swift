import Foundation
import PacketFlowCore
import PacketFlowFileConnectors
import PacketFlowRuntime
import Synchronization
import Testing

@Suite("Sink handlers")
struct SinkHandlersTests {
    private let context = HandlerContext(molecule: "M", stage: "Save", packetName: "SavePacket")

    private func packet(_ payload: String) -> Packet {
        Packet(group: .controlFlow, kind: "orders", payload: Array(payload.utf8))
    }

    @Test("the file sink writes each payload as a line and consumes the packet")
    func fileSink() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pf-sink-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try RotatingFileWriter(path: path)
        let handler = SinkHandlers.file(writer)
        #expect(try await handler(packet(#"{"a":1}"#), context).isEmpty)
        #expect(try await handler(packet(#"{"a":2}"#), context).isEmpty)
        writer.close()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"a\":1}\n{\"a\":2}\n")
    }

    @Test("the stdout sink's lines carry id, group and kind before the payload")
    func annotatedLines() async throws {
        let written = Mutex<[String]>([])
        let handler = SinkHandlers.lines(format: .annotated) { bytes in
            written.withLock { $0.append(String(decoding: bytes, as: UTF8.self)) }
        }
        let input = packet(#"{"a":1}"#)
        #expect(try await handler(input, context).isEmpty)
        #expect(written.withLock { $0 } == ["\(input.id.rawValue)\tCF\torders\t{\"a\":1}\n"])
    }
}
