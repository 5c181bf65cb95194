import Foundation
import PacketFlowReactorService
import PacketFlowTestSupport
import Subprocess

/// `packetflow dev` run as a child process from the repository root, for the length of a test.
struct DevRun {
    /// How a dev run ended and what it printed.
    struct Outcome: Sendable {
        var exitCode: Int32
        var standardOutput: String
        var standardError: String
    }

    /// The repository root (where examples/ is), found from this file.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// A free-looking port for the reactor's HTTP server (the broker takes port 0).
    static func port() -> Int { Int.random(in: 20_000..<30_000) }

    /// Runs `packetflow dev` with `arguments` while `body` runs; returns both results.
    static func with<Result: Sendable>(
        _ arguments: [String], _ body: @escaping @Sendable () async throws -> Result
    ) async throws -> (Outcome, Result) {
        let binary = try PacketFlowExecutable.path()
        async let outcome = Subprocess.run(
            .path(.init(binary)), arguments: Arguments(["dev", "--plain", "--listen", "127.0.0.1:0"] + arguments),
            workingDirectory: .init(root), output: .string(limit: 16 << 20), error: .string(limit: 16 << 20))
        let result = try await body()
        let finished = try await outcome
        let code: Int32 = if case .exited(let code) = finished.terminationStatus { code } else { -1 }
        return (
            Outcome(exitCode: code, standardOutput: finished.standardOutput, standardError: finished.standardError),
            result
        )
    }

    /// `packetflow status MOLECULE --json` against the reactor on `port`, or nil before it answers.
    static func status(_ molecule: String, port: Int) async throws -> MoleculeStatus? {
        let outcome = try await PacketFlowExecutable.run([
            "status", molecule, "--json", "--reactor", "http://127.0.0.1:\(port)",
        ])
        guard outcome.exitCode == 0 else { return nil }
        return try? JSONDecoder().decode(MoleculeStatus.self, from: Data(outcome.standardOutput.utf8))
    }

    /// Polls `condition` every half second until it holds or `timeout` passes.
    static func poll<Value: Sendable>(
        timeout: Duration, _ condition: () async throws -> Value?
    ) async throws -> Value? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if let value = try await condition() { return value }
            try await Task.sleep(for: .milliseconds(500))
        }
        return nil
    }
}
