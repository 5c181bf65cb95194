import Logging
import PacketFlowCore

/// Runs an `exec("command")` handler: one or more long-running copies of a program speaking
/// ``ExecProtocol`` on their stdin and stdout, shared by every call of a worker.
///
/// Each copy is an ``ExecProgram``: requests are pipelined and written in bursts, answers may
/// come in any order, a copy that exits is restarted and its unanswered requests fail (the
/// worker retries them), and a request not answered within `timeout` (counted once its copy
/// runs) fails with `timedOut` and gets its copy killed and restarted. Requests go to the copy
/// with the fewest outstanding, so `instances` copies use as many cores. Thread-safe.
public final class ExecHandler: Sendable {
    /// The shell command.
    public let command: String
    private let timeout: Duration
    private let programs: [ExecProgram]

    /// A handler for `command` running `instances` copies (at least one), each call bounded by
    /// `timeout`. Nothing starts before ``run()``.
    public init(command: String, timeout: Duration, instances: Int = 1, logger: Logger) {
        self.command = command
        self.timeout = timeout
        self.programs = (0..<max(1, instances)).map { _ in ExecProgram(command: command, logger: logger) }
    }

    /// How many times a copy has been started; the number of copies while the first ones live.
    public var startCount: Int { programs.reduce(0) { $0 + $1.startCount } }

    /// Handles `packet` through the program: its outputs as packets (the input with each
    /// output payload), or an error.
    public func handle(_ packet: Packet, _ context: HandlerContext) async throws -> [Packet] {
        let call = try await leastBusy.submit(1, timeout: timeout) { _, id, line in
            try ExecProtocol.appendRequest(id: id, packet: packet, to: &line)
        }
        return try await call.answers()[0].get().map { packet.with(payload: $0) }
    }

    /// How many requests to keep outstanding so the program always has work queued for about
    /// `queue` but no request waits much longer: from its measured time per answer, within `bounds`.
    func outstandingTarget(queue: Duration, within bounds: ClosedRange<Int>) -> Int {
        let measured = programs.compactMap(\.serviceTime)
        guard !measured.isEmpty else { return bounds.lowerBound }
        let perAnswer = measured.reduce(Duration.zero, +) / measured.count / programs.count
        guard perAnswer > .zero else { return bounds.upperBound }
        return min(max(Int(queue / perAnswer), bounds.lowerBound), bounds.upperBound)
    }

    /// Starts the copies and restarts each whenever it exits, until ``stop()``.
    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for program in programs {
                group.addTask { try await program.run() }
            }
            try await group.waitForAll()
        }
    }

    /// Closes the copies' stdin once they were sent everything, so they exit when they have
    /// answered; ``run()`` then returns.
    public func stop() async {
        for program in programs { program.stop() }
    }

    /// Sends `count` requests written by `request` to the least busy copy; see
    /// ``ExecProgram/submit(_:timeout:request:)``.
    func submit(
        _ count: Int, request: (_ index: Int, _ id: UInt64, _ line: inout [UInt8]) throws -> Void
    ) async throws -> ExecCall {
        try await leastBusy.submit(count, timeout: timeout, request: request)
    }

    private var leastBusy: ExecProgram {
        programs.count == 1 ? programs[0] : programs.min { $0.outstanding < $1.outstanding }!
    }
}
