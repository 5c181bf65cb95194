import Foundation
import PacketFlowClient
import PacketFlowTestSupport
import Synchronization
import Testing

@Suite("Following a JSON-lines file", .timeLimit(.minutes(1)))
struct LineReaderFollowTests {
    private func temporaryFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(uniqueName("pf-follow") + ".jsonl").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func append(_ text: String, to path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }

    /// The lines a follower has read so far.
    final class Seen: Sendable {
        private let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
        var count: Int { lines.withLock { $0.count } }
        func append(_ line: String) { lines.withLock { $0.append(line) } }
    }

    /// Follows `path` in a task, collecting lines, until the returned task is cancelled.
    private func follow(_ path: String, into seen: Seen) -> Task<Void, any Error> {
        Task {
            let reader = try LineReader(following: path, pollInterval: .milliseconds(20))
            try await reader.forEachBatch { lines in
                while let (line, _) = lines.next() {
                    seen.append(String(decoding: line, as: UTF8.self))
                }
                return true
            }
        }
    }

    @Test("appended lines arrive; a half-written line waits for its newline; CRLF is trimmed")
    func appendedLines() async throws {
        let path = try temporaryFile("{\"a\":1}\r\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let seen = Seen()
        let reader = follow(path, into: seen)
        defer { reader.cancel() }
        try await waitUntil("the first line", within: .seconds(10)) { seen.count == 1 }
        try append("{\"a\":2}\n{\"a\":", to: path)
        try await waitUntil("the appended line", within: .seconds(10)) { seen.count == 2 }
        try append("3}\n", to: path)
        try await waitUntil("the finished line", within: .seconds(10)) { seen.count == 3 }
        #expect(seen.all == [#"{"a":1}"#, #"{"a":2}"#, #"{"a":3}"#])
    }

    @Test("a truncated file is read again from its start")
    func truncation() async throws {
        let path = try temporaryFile("{\"old\":1}\n{\"old\":2}\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let seen = Seen()
        let reader = follow(path, into: seen)
        defer { reader.cancel() }
        try await waitUntil("the old lines", within: .seconds(10)) { seen.count == 2 }
        try Data("{\"new\":1}\n".utf8).write(to: URL(fileURLWithPath: path))
        try await waitUntil("the line after truncation", within: .seconds(10)) { seen.count == 3 }
        #expect(seen.all.last == #"{"new":1}"#)
    }

    @Test("cancelling ends the reading with CancellationError")
    func cancellation() async throws {
        let path = try temporaryFile("")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = follow(path, into: Seen())
        reader.cancel()
        let result = await reader.result
        #expect(throws: CancellationError.self) { try result.get() }
    }

    @Test("packetflow publish --follow publishes lines as they are appended, and SIGINT flushes and exits 0")
    func publishFollow() async throws {
        try await withEmbeddedBroker { broker in
            let topic = uniqueName("followed")
            let path = try temporaryFile("{\"n\":1}\n")
            defer { try? FileManager.default.removeItem(atPath: path) }
            let publisher = PacketFlowProcess(["publish", topic, "--file", path, "--follow", "--bootstrap", broker.bootstrapServers])
            let kcat = Kcat(bootstrap: broker.bootstrapServers)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await publisher.run() }
                defer { try? publisher.send(SIGKILL) }
                try await waitUntil("the first event", within: .seconds(30)) {
                    (try? await kcat.consume(topic: topic).count) == 1
                }
                try append("{\"n\":2}\n{\"n\":3}\n", to: path)
                try await waitUntil("the appended events", within: .seconds(30)) {
                    (try? await kcat.consume(topic: topic).count) == 3
                }
                try publisher.send(SIGINT)
                try await tasks.waitForAll()
            }
            #expect(publisher.exitCode == 0, "\(publisher.standardError)")
            let payloads = try await kcat.consume(topic: topic).compactMap(\.payload).sorted()
            #expect(payloads == [#"{"n":1}"#, #"{"n":2}"#, #"{"n":3}"#])
        }
    }
}
