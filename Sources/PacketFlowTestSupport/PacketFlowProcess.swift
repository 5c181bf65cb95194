import Foundation
import Subprocess
import Synchronization

/// `packetflow` running as a child process that a test starts, signals and waits for.
///
/// ```swift
/// let worker = PacketFlowProcess(["worker", "--molecule", path, "--stage", "Save"])
/// try await withThrowingTaskGroup(of: Void.self) { tasks in
///     tasks.addTask { try await worker.run() }
///     ...
///     try worker.send(SIGTERM)
/// }
/// ```
public final class PacketFlowProcess: Sendable {
    /// The arguments after `packetflow`.
    public let arguments: [String]
    private let environment: [String: String]
    private let processID = Mutex<pid_t?>(nil)
    private let exit = Mutex<Int32?>(nil)
    private let errorOutput = Mutex("")

    /// A process to run with `arguments` and `environment` added to the test's own.
    public init(_ arguments: [String], environment: [String: String] = [:]) {
        self.arguments = arguments
        self.environment = environment
    }

    /// The process id once it has started.
    public var pid: pid_t? { processID.withLock { $0 } }
    /// The exit code once it has ended (-1 for a signal).
    public var exitCode: Int32? { exit.withLock { $0 } }
    /// What it wrote to stderr (the last 1 MiB), once it has ended.
    public var standardError: String { errorOutput.withLock { $0 } }

    /// Runs the process until it exits; call from a child task. Standard output is discarded.
    public func run() async throws {
        var overrides: [Environment.Key: String?] = [:]
        for (name, value) in environment { overrides[Environment.Key(stringLiteral: name)] = value }
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

    /// Sends `signal` to the running process; throws ``NotStarted`` before it has started.
    public func send(_ signal: Int32) throws {
        guard let pid else { throw NotStarted(arguments: arguments) }
        kill(pid, signal)
    }

    /// The process was signalled before it started.
    public struct NotStarted: Error, CustomStringConvertible {
        /// Its arguments.
        public var arguments: [String]
        /// `packetflow worker ... has not started`.
        public var description: String { "packetflow \(arguments.joined(separator: " ")) has not started" }
    }
}
