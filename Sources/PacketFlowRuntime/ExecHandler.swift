import Foundation
import Logging
import PacketFlowCore
import Subprocess
import Synchronization

/// Runs an `exec("command")` handler: one long-running program speaking ``ExecProtocol`` on
/// its stdin and stdout, shared by every call of a worker.
///
/// The command runs through `/bin/sh -c` in a process group of its own, its stderr goes to
/// the worker's stderr. Killing means killing that group: the shell and whatever it started
/// (`dash` forks the program rather than replacing itself with it). Requests
/// are pipelined: many calls wait on the program at once and answers may come in any order.
/// ``run()`` keeps the program alive: when it exits it is started again (waits grow from
/// 100 ms to 5 s while it keeps dying), and the calls it had not answered fail and are retried
/// by the worker. A call not answered within `timeout` (counted once the program runs) fails
/// with `timedOut`, and the program is killed and restarted, since a program that misses a
/// deadline may be stuck. Thread-safe.
public final class ExecHandler: Sendable {
    /// The shell command.
    public let command: String
    private let timeout: Duration
    private let logger: Logger
    private let state = Mutex(State())
    /// Serializes writes: one request line is written whole before the next starts.
    private let writeLock = AsyncPermits(limit: 1)

    private struct State {
        var writer: StandardInputWriter?
        var processID: pid_t?
        var nextRequest: UInt64 = 0
        var pending: [String: ResponseSlot] = [:]
        var readyWaiters: [CheckedContinuation<Void, Never>] = []
        var stopping = false
        var starts = 0
    }

    /// A handler for `command`, each call bounded by `timeout`. Nothing starts before ``run()``.
    public init(command: String, timeout: Duration, logger: Logger) {
        self.command = command
        self.timeout = timeout
        self.logger = logger
    }

    /// How many times the program has been started; 1 while the first one lives.
    public var startCount: Int { state.withLock { $0.starts } }

    /// Handles `packet` through the program: its outputs as packets (the input with each
    /// output payload), or an error.
    public func handle(_ packet: Packet, _ context: HandlerContext) async throws -> [Packet] {
        // Waiting for the program to (re)start is not the packet's time.
        let writer = try await currentWriter()
        return try await withThrowingTaskGroup(of: [[UInt8]].self) { group in
            group.addTask { try await self.call(packet, writer: writer) }
            group.addTask {
                try await Task.sleep(for: self.timeout)
                throw RuntimeError(.timedOut, "exec handler '\(self.command)' did not answer within \(self.timeout)")
            }
            defer { group.cancelAll() }
            do {
                let outputs = try await group.next()!
                return outputs.map { packet.with(payload: $0) }
            } catch let error as RuntimeError where error.code == .timedOut {
                killProgram()
                throw error
            }
        }
    }

    /// Starts the program and restarts it whenever it exits, until ``stop()``.
    public func run() async throws {
        var wait = Duration.milliseconds(100)
        while !state.withLock({ $0.stopping }) {
            let started = ContinuousClock.now
            do {
                try await runProgramOnce()
            } catch {
                logger.error("exec handler '\(command)' failed: \(error)")
            }
            failPending(RuntimeError(.execFailed, "exec handler '\(command)' exited before answering"))
            if state.withLock({ $0.stopping }) { break }
            if ContinuousClock.now - started > .seconds(10) { wait = .milliseconds(100) }
            logger.warning("exec handler '\(command)' exited; restarting in \(wait)")
            try await Task.sleep(for: wait)
            wait = min(wait * 2, .seconds(5))
        }
    }

    /// Closes the program's stdin so it exits once it has answered; ``run()`` then returns.
    public func stop() async {
        let writer = state.withLock { state -> StandardInputWriter? in
            state.stopping = true
            let waiters = state.readyWaiters
            state.readyWaiters = []
            for waiter in waiters { waiter.resume() }
            return state.writer
        }
        await writeLock.acquire()
        defer { writeLock.release() }
        try? await writer?.finish()
    }

    private func runProgramOnce() async throws {
        var options = PlatformOptions()
        options.processGroupID = 0
        // A cancelled worker (not the usual stop, which closes stdin) takes the program along.
        options.teardownSequence = [.send(signal: .terminate, toProcessGroup: true, allowedDurationToNextStep: .seconds(2))]
        _ = try await Subprocess.run(
            .path("/bin/sh"),
            arguments: ["-c", command],
            platformOptions: options,
            input: .inputWriter,
            output: .sequence,
            error: .currentStandardError
        ) { execution in
            let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.writer = execution.standardInputWriter
                state.processID = execution.processIdentifier.value
                state.starts += 1
                defer { state.readyWaiters = [] }
                return state.readyWaiters
            }
            for waiter in waiters { waiter.resume() }
            defer { state.withLock { $0.writer = nil; $0.processID = nil } }
            // Framed on "\n" only: JSON may carry CR, VT, FF, U+0085, U+2028 and U+2029 raw,
            // which the default line breaks would split.
            let lines = execution.standardOutput.strings(separatedBy: .unicodeScalarSequence(["\n"]), bufferingPolicy: .maxLineLength(64 << 20))
            for try await line in lines {
                guard !line.isEmpty else { continue }
                deliver(line)
            }
        }
    }

    private func deliver(_ line: String) {
        let response: ExecProtocol.Response
        do {
            response = try ExecProtocol.response(line)
        } catch {
            logger.error("\(error)")
            return
        }
        let slot = state.withLock { $0.pending.removeValue(forKey: response.id) }
        switch response.result {
        case .success(let outputs): slot?.fill(.success(outputs))
        case .failure(let failure):
            slot?.fill(.failure(RuntimeError(.handlerFailed, "exec handler '\(command)' answered an error: \(failure)")))
        }
    }

    /// Sends one request to the program behind `writer` and waits for its answer; cancellable
    /// (the timeout cancels it).
    private func call(_ packet: Packet, writer: StandardInputWriter) async throws -> [[UInt8]] {
        let slot = ResponseSlot()
        let id = state.withLock { state -> String in
            state.nextRequest += 1
            let id = String(state.nextRequest)
            state.pending[id] = slot
            return id
        }
        defer { _ = state.withLock { $0.pending.removeValue(forKey: id) } }
        var line = try ExecProtocol.request(id: id, packet: packet)
        line.append(UInt8(ascii: "\n"))
        await writeLock.acquire()
        do {
            _ = try await writer.write(line)
            writeLock.release()
        } catch {
            writeLock.release()
            throw RuntimeError(.execFailed, "cannot write to exec handler '\(command)': \(error)")
        }
        return try await slot.value()
    }

    /// The running program's stdin, waiting for a (re)start if none runs.
    private func currentWriter() async throws -> StandardInputWriter {
        while true {
            if let writer = state.withLock({ $0.writer }) { return writer }
            try Task.checkCancellation()
            let stopping = state.withLock { $0.stopping }
            if stopping { throw RuntimeError(.execFailed, "exec handler '\(command)' is stopping") }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.writer != nil || state.stopping { return true }
                    state.readyWaiters.append(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }

    private func failPending(_ error: RuntimeError) {
        let pending = state.withLock { state in
            defer { state.pending = [:] }
            return state.pending
        }
        for slot in pending.values { slot.fill(.failure(error)) }
    }

    private func killProgram() {
        if let processID = state.withLock({ $0.processID }) {
            logger.warning("exec handler '\(command)' missed its deadline; killing it (process group \(processID))")
            kill(-processID, SIGKILL)
        }
    }
}
