import Foundation
import PacketFlowFileConnectors
import PacketFlowTestSupport
import Synchronization
import Testing

@Suite("File line follower", .timeLimit(.minutes(1)))
struct FileLineFollowerTests {
    private func temporaryFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pf-follow-\(UUID().uuidString).jsonl").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func append(_ text: String, to path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }

    @Test("without follow: every line, CRLF trimmed, a last line without newline included")
    func readsOnce() async throws {
        let path = try temporaryFile("{\"a\":1}\r\n{\"a\":2}\n{\"a\":3}")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var lines: [String] = []
        for try await line in FileLineFollower(path: path) { lines.append(String(decoding: line, as: UTF8.self)) }
        #expect(lines == [#"{"a":1}"#, #"{"a":2}"#, #"{"a":3}"#])
    }

    @Test("with follow: lines appended later arrive, a half-written line waits for its newline")
    func follows() async throws {
        let path = try temporaryFile("{\"a\":1}\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let seen = Mutex<[String]>([])
        let reader = Task {
            for try await line in FileLineFollower(path: path, follow: true, pollInterval: .milliseconds(20)) {
                seen.withLock { $0.append(String(decoding: line, as: UTF8.self)) }
            }
        }
        defer { reader.cancel() }
        try await waitUntil("the first line", within: .seconds(10)) { seen.withLock { $0.count == 1 } }
        try append("{\"a\":2}\n{\"a\":", to: path)
        try await waitUntil("the appended line", within: .seconds(10)) { seen.withLock { $0.count == 2 } }
        try append("3}\n", to: path)
        try await waitUntil("the finished line", within: .seconds(10)) { seen.withLock { $0.count == 3 } }
        #expect(seen.withLock { $0 } == [#"{"a":1}"#, #"{"a":2}"#, #"{"a":3}"#])
    }
}
