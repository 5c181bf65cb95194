import Foundation
import PacketFlowTestSupport
import Subprocess
import Synchronization

/// `packetflow worker` running as a child process, which a test can signal.
final class WorkerProcess: Sendable {
    private let processID = Mutex<pid_t?>(nil)
    private let exit = Mutex<Int32?>(nil)
    private let errorOutput = Mutex("")

    /// The process id once it has started.
    var pid: pid_t? { processID.withLock { $0 } }
    /// The exit code once it has ended (-1 for a signal).
    var exitCode: Int32? { exit.withLock { $0 } }
    /// What it wrote to stderr, once it has ended.
    var standardError: String { errorOutput.withLock { $0 } }

    /// Runs the worker until it exits; call from a child task.
    func run(molecule: String, stage: String, bootstrap: String, environment: [String: String] = [:]) async throws {
        var overrides: [Environment.Key: String?] = [:]
        for (name, value) in environment { overrides[Environment.Key(stringLiteral: name)] = value }
        let arguments = ["worker", "--molecule", molecule, "--stage", stage, "--bootstrap", bootstrap, "--log-level", "warning"]
        let result = try await Subprocess.run(
            .path(.init(try PacketFlowExecutable.path())),
            arguments: Arguments(arguments),
            environment: .inherit.updating(overrides),
            input: .none,
            output: .discarded,
            error: .string(limit: 1 << 20)
        ) { execution in
            processID.withLock { $0 = execution.processIdentifier.value }
        }
        errorOutput.withLock { $0 = result.standardError }
        exit.withLock { exit in
            if case .exited(let code) = result.terminationStatus { exit = code } else { exit = -1 }
        }
    }

    /// The worker was signalled before it started.
    struct NotStarted: Error {}

    /// Sends `signal` to the running process.
    func send(_ signal: Int32) throws {
        guard let pid else { throw NotStarted() }
        kill(pid, signal)
    }
}
