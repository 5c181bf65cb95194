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
}
