import PacketFlowTestSupport
import Testing

@Suite("--topic-config and --replication-factor")
struct TopicConfigOptionTests {
    @Test(
        "a malformed topic config or replication factor is refused before anything reaches Kafka",
        arguments: [
            (["--topic-config", "retention.ms"], "--topic-config retention.ms: expected key=value"),
            (["--topic-config", "=7"], "--topic-config =7: expected key=value"),
            (["--replication-factor", "0"], "--replication-factor 0: must be at least 1"),
        ])
    func malformedSettings(flags: [String], message: String) async throws {
        // Nothing listens on port 1: a command that got past its options would fail differently.
        let outcome = try await PacketFlowExecutable.run(
            ["publish", uniqueName("t"), "--bootstrap", "127.0.0.1:1", "--value", "{}"] + flags)
        #expect(outcome.exitCode != 0)
        #expect(outcome.standardError.contains(message), "\(outcome.standardError)")
        #expect(outcome.standardError.split(separator: "\n").count <= 3, "\(outcome.standardError)")
    }

    @Test("$PACKETFLOW_TOPIC_CONFIG is read when no flag is given, and checked the same way")
    func environment() async throws {
        let outcome = try await PacketFlowExecutable.run(
            ["publish", uniqueName("t"), "--bootstrap", "127.0.0.1:1", "--value", "{}"],
            environment: ["PACKETFLOW_TOPIC_CONFIG": "retention.ms=1000,compression"])
        #expect(outcome.exitCode != 0)
        #expect(outcome.standardError.contains("--topic-config compression: expected key=value"), "\(outcome.standardError)")
    }
}
