import Foundation
import PacketFlowTestSupport
import Testing

@Suite("packetflow ingest's door")
struct IngestCommandTests {
    @Test("without a token, a non-loopback listen address is refused with one line and a non-zero exit", arguments: ["0.0.0.0:18081", "192.0.2.1:18081"])
    func noTokenNoExposure(listen: String) async throws {
        let outcome = try await PacketFlowExecutable.run(
            ["ingest", "--listen", listen, "--bootstrap", "127.0.0.1:1"], environment: ["PACKETFLOW_INGEST_TOKEN": ""])
        #expect(outcome.exitCode != 0)
        #expect(outcome.standardError.contains("without --token"), "\(outcome.standardError)")
        #expect(outcome.standardError.split(separator: "\n").count <= 3, "\(outcome.standardError)")
    }

    @Test("a token file that cannot be read, is empty, or comes with --token is refused, naming the flag")
    func tokenFileRefused() async throws {
        let empty = NSTemporaryDirectory() + uniqueName("empty-token")
        FileManager.default.createFile(atPath: empty, contents: Data())
        defer { try? FileManager.default.removeItem(atPath: empty) }
        let cases: [([String], String)] = [
            (["--token-file", "/nonexistent/token"], "--token-file /nonexistent/token: cannot read it"),
            (["--token-file", empty], "--token-file \(empty): the file is empty"),
            (["--token", "t", "--token-file", empty], "--token and --token-file: give one of them"),
        ]
        for (flags, message) in cases {
            let outcome = try await PacketFlowExecutable.run(["ingest", "--listen", "127.0.0.1:18082", "--bootstrap", "127.0.0.1:1"] + flags)
            #expect(outcome.exitCode != 0)
            #expect(outcome.standardError.contains(message), "\(outcome.standardError)")
        }
    }
}
