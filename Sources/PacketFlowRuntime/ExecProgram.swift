import Foundation
import Logging
import PacketFlowCore
import Subprocess
import Synchronization

/// One running copy of an exec handler's program, speaking ``ExecProtocol`` on its stdin and
/// stdout.
///
/// The command runs through `/bin/sh -c` in a process group of its own, its stderr goes to the
/// worker's stderr. Requests are pipelined and their writes coalesced: whatever was submitted
/// while the previous write went out leaves in the next one, so a burst of requests costs one
/// write, and the program may answer in any order and in bursts (responses are split on "\n"
/// only, read as bytes). ``run()`` keeps the program alive: when it exits it is started again
/// (waits grow from 100 ms to 5 s while it keeps dying) and the requests it had not answered
/// fail, to be retried by the worker. A request not answered by its deadline fails with
/// `timedOut` and the program is killed and restarted, since a program that misses a deadline
/// may be stuck. Thread-safe.
final class ExecProgram: Sendable {
    let command: String
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var running = false
        var processID: pid_t?
        var nextRequest: UInt64 = 0
        var pending: [UInt64: (call: ExecCall, index: Int)] = [:]
        /// Request lines submitted and not yet written.
        var outgoing: [UInt8] = []
        /// The writer, suspended until there is something to write or the program ends.
        var writer: CheckedContinuation<Void, Never>?
        var readyWaiters: [CheckedContinuation<Void, Never>] = []
        var stopping = false
        var starts = 0
        /// Service time: the program's busy time per answer, measured over busy periods.
        var busySince: ContinuousClock.Instant?
        var busyMeasured = Duration.zero
        var answersMeasured = 0
        var serviceTime: Duration?

        /// Counts an answer towards the service time: the busy time since the last answer (or
        /// since the program got work), averaged over at least 100 ms of it.
        mutating func measureAnswer(at now: ContinuousClock.Instant) {
            if let since = busySince {
                busyMeasured += now - since
                answersMeasured += 1
            }
            busySince = pending.isEmpty ? nil : now
            guard busyMeasured >= .milliseconds(100), answersMeasured > 0 else { return }
            let sample = busyMeasured / answersMeasured
            serviceTime = serviceTime.map { $0 / 2 + sample / 2 } ?? sample
            busyMeasured = .zero
            answersMeasured = 0
        }
    }

    init(command: String, logger: Logger) {
        self.command = command
        self.logger = logger
    }

    /// How many times the program has been started; 1 while the first one lives.
    var startCount: Int { state.withLock { $0.starts } }

    /// Requests submitted and not yet answered.
    var outstanding: Int { state.withLock { $0.pending.count } }

    /// How long the program takes per answer while it has work (its busy time over the answers
    /// given then); nil until measured over 100 ms of work.
    var serviceTime: Duration? { state.withLock { $0.serviceTime } }

    /// Sends `count` requests, each written by `request` (given its index, its request id and
    /// the line to append to, with its line break), to be answered within `timeout` counted
    /// from when the program runs: waiting for a (re)start is not the requests' time. Their
    /// answers come in the call; a request `request` throws for fails with that error, unsent.
    ///
    /// Throws ``RuntimeError`` (`execFailed`) when the handler is stopping.
    func submit(
        _ count: Int, timeout: Duration, request: (_ index: Int, _ id: UInt64, _ line: inout [UInt8]) throws -> Void
    ) async throws -> ExecCall {
        try await waitUntilRunning()
        // Ids first, lines outside the lock: no answer can come before the lines are sent.
        let first = state.withLock { state in
            defer { state.nextRequest += UInt64(count) }
            return state.nextRequest + 1
        }
        var lines: [UInt8] = []
        lines.reserveCapacity(count * 192)
        var sent: [Int] = []
        sent.reserveCapacity(count)
        var refused: [(Int, any Error)] = []
        for index in 0..<count {
            let length = lines.count
            do {
                try request(index, first + UInt64(index), &lines)
                sent.append(index)
            } catch {
                lines.removeSubrange(length...)
                refused.append((index, error))
            }
        }
        let call = ExecCall(count: count, timeout: timeout)
        let writer = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.pending.isEmpty, !sent.isEmpty { state.busySince = .now }
            for index in sent { state.pending[first + UInt64(index)] = (call, index) }
            if state.outgoing.isEmpty {
                swap(&state.outgoing, &lines)
            } else {
                state.outgoing.append(contentsOf: lines)
            }
            return state.outgoing.isEmpty ? nil : state.writer.take()
        }
        writer?.resume()
        for (index, error) in refused { call.fill(index, .failure(error)) }
        return call
    }

    /// Starts the program and restarts it whenever it exits, until ``stop()``.
    ///
    /// Ignores SIGPIPE in the whole process: a write to a program that just died must fail
    /// with EPIPE (the requests are then retried), not kill the worker.
    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        var wait = Duration.milliseconds(100)
        while !state.withLock({ $0.stopping }) {
            let started = ContinuousClock.now
            do {
                try await runOnce()
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

    /// Lets the program finish what it was sent, then closes its stdin so it exits; ``run()``
    /// then returns.
    func stop() {
        let (waiters, writer) = state.withLock { state in
            state.stopping = true
            defer { state.readyWaiters = [] }
            return (state.readyWaiters, state.outgoing.isEmpty ? state.writer.take() : nil)
        }
        for waiter in waiters { waiter.resume() }
        writer?.resume()
    }

    private func runOnce() async throws {
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
                state.running = true
                state.processID = execution.processIdentifier.value
                state.starts += 1
                defer { state.readyWaiters = [] }
                return state.readyWaiters
            }
            for waiter in waiters { waiter.resume() }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await self.write(to: execution.standardInputWriter) }
                group.addTask { await self.killWhenOverdue() }
                defer {
                    // The writer may be waiting for requests: it ends once the program does.
                    let writer = state.withLock { state in
                        state.running = false
                        state.processID = nil
                        return state.writer.take()
                    }
                    writer?.resume()
                    group.cancelAll()
                }
                try await readAnswers(from: execution.standardOutput)
            }
        }
    }

    /// Writes submitted requests as they come, whatever gathered meanwhile in one write;
    /// closes stdin once stopping and everything submitted is written.
    private func write(to writer: StandardInputWriter) async throws {
        while let bytes = await nextOutgoing() {
            do {
                _ = try await writer.write(bytes)
            } catch {
                throw RuntimeError(.execFailed, "cannot write to exec handler '\(command)': \(error)")
            }
        }
        if state.withLock({ $0.stopping && $0.running }) { try await writer.finish() }
    }

    /// The request lines waiting to be written, suspending while there are none; nil once the
    /// program is stopping (and everything was written) or has exited.
    private func nextOutgoing() async -> [UInt8]? {
        while true {
            let next = state.withLock { state -> [UInt8]?? in
                if !state.outgoing.isEmpty {
                    defer { state.outgoing = [] }
                    return .some(state.outgoing)
                }
                return state.stopping || !state.running ? .some(nil) : .none
            }
            if let next { return next }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let wake = state.withLock { state -> Bool in
                    if !state.outgoing.isEmpty || state.stopping || !state.running { return true }
                    state.writer = continuation
                    return false
                }
                if wake { continuation.resume() }
            }
        }
    }

    /// Reads answers until the program closes its stdout, splitting on "\n" only: JSON may carry
    /// CR, VT, FF, U+0085, U+2028 and U+2029 raw.
    private func readAnswers(from output: SubprocessOutputSequence) async throws {
        var partial: [UInt8] = []
        for try await buffer in output {
            buffer.withUnsafeBytes { chunk in
                var start = 0
                while start < chunk.count {
                    guard let found = memchr(chunk.baseAddress! + start, Int32(UInt8(ascii: "\n")), chunk.count - start) else {
                        partial.append(contentsOf: chunk[start...])
                        return
                    }
                    let newline = UnsafeRawPointer(found) - chunk.baseAddress!
                    if partial.isEmpty {
                        answer(UnsafeRawBufferPointer(rebasing: chunk[start..<newline]))
                    } else {
                        partial.append(contentsOf: chunk[start..<newline])
                        partial.withUnsafeBytes { answer($0) }
                        partial.removeAll(keepingCapacity: true)
                    }
                    start = newline + 1
                }
            }
        }
    }

    /// Hands one response line to the call waiting for it.
    private func answer(_ line: UnsafeRawBufferPointer) {
        guard !line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) else { return }
        let response: ExecProtocol.Response
        do {
            response = try ExecProtocol.response(line)
        } catch {
            logger.error("\(error)")
            return
        }
        let now = ContinuousClock.now
        let waiting = state.withLock { state -> (call: ExecCall, index: Int)? in
            guard let id = UInt64(response.id), let waiting = state.pending.removeValue(forKey: id) else { return nil }
            state.measureAnswer(at: now)
            return waiting
        }
        guard let waiting else {
            logger.debug("exec handler '\(command)' answered an unknown or expired request \(response.id)")
            return
        }
        switch response.result {
        case .success(let outputs):
            waiting.call.fill(waiting.index, .success(outputs))
        case .failure(let failure):
            waiting.call.fill(
                waiting.index, .failure(RuntimeError(.handlerFailed, "exec handler '\(command)' answered an error: \(failure)")))
        }
    }

    /// Fails the requests past their deadline and kills the program, which may be stuck.
    private func killWhenOverdue() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(50))
            let now = ContinuousClock.now
            let (overdue, processID) = state.withLock { state in
                let overdue = state.pending.filter { $0.value.call.deadline <= now }
                for id in overdue.keys { state.pending[id] = nil }
                if state.pending.isEmpty { state.busySince = nil }
                return (overdue, state.processID)
            }
            guard !overdue.isEmpty else { continue }
            for (call, index) in overdue.values {
                call.fill(index, .failure(RuntimeError(.timedOut, "exec handler '\(command)' did not answer within \(call.timeout)")))
            }
            if let processID {
                logger.warning("exec handler '\(command)' missed its deadline; killing it (process group \(processID))")
                kill(-processID, SIGKILL)
            }
        }
    }

    /// Waits for the program to run; throws once stopping.
    private func waitUntilRunning() async throws {
        while true {
            let (running, stopping) = state.withLock { ($0.running, $0.stopping) }
            if stopping { throw RuntimeError(.execFailed, "exec handler '\(command)' is stopping") }
            if running { return }
            try Task.checkCancellation()
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.running || state.stopping { return true }
                    state.readyWaiters.append(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }

    private func failPending(_ error: RuntimeError) {
        let pending = state.withLock { state in
            defer {
                state.pending = [:]
                state.outgoing = []
                state.busySince = nil
            }
            return state.pending
        }
        for (call, index) in pending.values { call.fill(index, .failure(error)) }
    }
}
