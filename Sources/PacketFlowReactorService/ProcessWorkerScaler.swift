import Foundation
import Logging
import Subprocess

#if canImport(Glibc)
    import Glibc
#endif

/// Runs each worker as a `packetflow worker` child process of the reactor.
///
/// Every worker has a supervising task: it starts the process, waits for it, and when it
/// exits on its own restarts it after an exponential backoff (``ProcessWorkerScalerConfiguration``).
/// Scale-in and shutdown stop workers gracefully: SIGTERM (the worker drains: in-flight
/// packets finish and are committed), then SIGKILL after the grace period.
///
/// Reactor restarts: the PIDs of running workers are written to `workers.json` in the state
/// directory. A reactor killed without a chance to drain leaves its workers running (they are
/// reparented); the next reactor's ``adoptRecordedWorkers()`` takes over those still alive
/// (checking their command line, so a reused PID is not mistaken for a worker), so the worker
/// count is unchanged and no rebalance happens. Adopted workers are watched by polling their
/// PID and stopped with the same signals.
public actor ProcessWorkerScaler: WorkerScaler {
    /// The configuration.
    public let configuration: ProcessWorkerScalerConfiguration
    private let logger: Logger
    private var stages: [WorkerStage: [Member]] = [:]
    private var restartCounts: [WorkerStage: Int] = [:]
    private var nextMemberID = 0

    /// One supervised worker.
    private struct Member {
        var id: Int
        var pid: Int32?
        var draining = false
        var supervisor: Task<Void, Never>?
        /// Exits in a row that came within `backoffReset` of their start.
        var quickExits = 0
        var startedAt: ContinuousClock.Instant?
    }

    /// A record of `workers.json`.
    private struct RecordedWorker: Codable {
        var molecule: String
        var stage: String
        var moleculeFile: String
        var pid: Int32
    }

    /// Creates a scaler; no process starts until ``setReplicas(_:for:)``.
    public init(configuration: ProcessWorkerScalerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    private var stateFile: String { configuration.stateDirectory + "/workers.json" }

    /// Takes over the workers a previous reactor recorded that are still alive.
    ///
    /// Returns how many were adopted per stage. Call once, before the first ``setReplicas(_:for:)``.
    @discardableResult
    public func adoptRecordedWorkers() -> [WorkerStage: Int] {
        guard let data = FileManager.default.contents(atPath: stateFile),
            let records = try? JSONDecoder().decode([RecordedWorker].self, from: data)
        else { return [:] }
        var adopted: [WorkerStage: Int] = [:]
        for record in records where Self.isWorker(pid: record.pid, stage: record.stage) {
            let stage = WorkerStage(molecule: record.molecule, stage: record.stage, moleculeFile: record.moleculeFile)
            let id = makeMemberID()
            stages[stage, default: []].append(Member(id: id, pid: record.pid))
            stages[stage]![stages[stage]!.count - 1].supervisor = Task { await self.watchAdopted(stage, id: id, pid: record.pid) }
            adopted[stage, default: 0] += 1
        }
        logger.info("adopted running workers", metadata: ["count": "\(adopted.values.reduce(0, +))"])
        saveState()
        return adopted
    }

    public func setReplicas(_ replicas: Int, for stage: WorkerStage) async throws {
        let active = stages[stage, default: []].filter { !$0.draining }
        if active.count < replicas {
            for _ in active.count..<replicas {
                let id = makeMemberID()
                stages[stage, default: []].append(Member(id: id))
                let index = stages[stage]!.count - 1
                stages[stage]![index].supervisor = Task { await self.supervise(stage, id: id) }
            }
        } else if active.count > replicas {
            // Newest first: the oldest workers keep their partitions.
            for member in active.suffix(active.count - replicas).reversed() {
                stop(stage, id: member.id)
            }
        }
    }

    public func restartWorkers(_ stage: WorkerStage) async throws {
        let active = stages[stage, default: []].filter { !$0.draining }
        for member in active { stop(stage, id: member.id) }
        try await setReplicas(active.count, for: stage)
    }

    public func running(_ stage: WorkerStage) -> Int {
        stages[stage, default: []].filter { !$0.draining && $0.pid != nil }.count
    }

    public func restarts(_ stage: WorkerStage) -> Int {
        restartCounts[stage, default: 0]
    }

    public func crashLooping(_ stage: WorkerStage) -> Int {
        let now = ContinuousClock.now
        return stages[stage, default: []].filter { member in
            guard !member.draining, member.quickExits >= configuration.crashLoopThreshold else { return false }
            // Running long enough ends the loop before the next exit would reset the count.
            guard member.pid != nil, let startedAt = member.startedAt else { return true }
            return now - startedAt < configuration.backoffReset
        }.count
    }

    /// The PIDs of the running workers of `stage`, oldest first.
    public func processIdentifiers(_ stage: WorkerStage) -> [Int32] {
        stages[stage, default: []].filter { !$0.draining }.compactMap(\.pid)
    }

    public func stopAll(molecule: String) async {
        let affected = stages.keys.filter { $0.molecule == molecule }
        await stopAndWait(affected)
    }

    public func shutdown() async {
        await stopAndWait(Array(stages.keys))
    }

    private func stopAndWait(_ affected: [WorkerStage]) async {
        var supervisors: [Task<Void, Never>] = []
        for stage in affected {
            for member in stages[stage, default: []] {
                stop(stage, id: member.id)
                if let supervisor = member.supervisor { supervisors.append(supervisor) }
            }
        }
        for supervisor in supervisors { await supervisor.value }
        for stage in affected where stages[stage]?.isEmpty ?? true { stages[stage] = nil }
        saveState()
    }

    private func makeMemberID() -> Int {
        nextMemberID += 1
        return nextMemberID
    }

    private func stop(_ stage: WorkerStage, id: Int) {
        guard let index = stages[stage]?.firstIndex(where: { $0.id == id }) else { return }
        stages[stage]![index].draining = true
        stages[stage]![index].supervisor?.cancel()
    }

    private func isDraining(_ stage: WorkerStage, id: Int) -> Bool {
        stages[stage]?.first { $0.id == id }?.draining ?? true
    }

    private func started(_ stage: WorkerStage, id: Int, pid: Int32?) {
        guard let index = stages[stage]?.firstIndex(where: { $0.id == id }) else { return }
        stages[stage]![index].pid = pid
        if pid != nil { stages[stage]![index].startedAt = .now }
        saveState()
    }

    private func removed(_ stage: WorkerStage, id: Int) {
        stages[stage]?.removeAll { $0.id == id }
        saveState()
    }

    private func exited(_ stage: WorkerStage, id: Int, quickExits: Int) {
        guard let index = stages[stage]?.firstIndex(where: { $0.id == id }) else { return }
        stages[stage]![index].quickExits = quickExits
    }

    private func countRestart(_ stage: WorkerStage) {
        restartCounts[stage, default: 0] += 1
    }

    /// Runs one worker slot until it is stopped: start, wait, back off, restart.
    private func supervise(_ stage: WorkerStage, id: Int) async {
        var crashes = 0
        var quickExits = 0
        while !Task.isCancelled {
            let began = ContinuousClock.now
            let status = await runWorker(stage, id: id)
            started(stage, id: id, pid: nil)
            if Task.isCancelled || isDraining(stage, id: id) { break }
            let ranLong = ContinuousClock.now - began > configuration.backoffReset
            crashes = ranLong ? 1 : crashes + 1
            quickExits = ranLong ? 0 : quickExits + 1
            exited(stage, id: id, quickExits: quickExits)
            countRestart(stage)
            let backoff = min(
                configuration.initialBackoff * (1 << min(crashes - 1, 20)), configuration.maximumBackoff)
            logger.warning(
                "worker exited, restarting",
                metadata: ["stage": "\(stage.molecule).\(stage.stage)", "status": "\(status)", "backoff": "\(backoff)"])
            try? await Task.sleep(for: backoff)
        }
        removed(stage, id: id)
    }

    /// Watches an adopted worker's PID; when it exits on its own, this slot starts a child.
    private func watchAdopted(_ stage: WorkerStage, id: Int, pid: Int32) async {
        while !Task.isCancelled, kill(pid, 0) == 0 || errno == EPERM {
            try? await Task.sleep(for: .milliseconds(200))
        }
        if Task.isCancelled || isDraining(stage, id: id) {
            await terminate(pid: pid)
            removed(stage, id: id)
            return
        }
        countRestart(stage)
        await supervise(stage, id: id)
    }

    /// SIGTERM, then SIGKILL after the grace period, for a process that is not our child.
    private func terminate(pid: Int32) async {
        guard kill(pid, SIGTERM) == 0 else { return }
        let deadline = ContinuousClock.now + configuration.gracePeriod
        // Waited out in a task of its own: a cancelled reactor still gives the worker its grace.
        await Task {
            while kill(pid, 0) == 0, ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(100))
            }
        }.value
        if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
    }

    /// The reactor's environment without its secrets: a worker runs user handlers (exec programs
    /// inherit its environment), and a handler holding the reactor's token could deploy code.
    static let workerEnvironment = Environment.inherit.updating(
        Dictionary(uniqueKeysWithValues: secretVariables.map { (Environment.Key(stringLiteral: $0), String?.none) }))

    /// Variables that hold PacketFlow's bearer tokens.
    static let secretVariables = ["PACKETFLOW_REACTOR_TOKEN", "PACKETFLOW_INGEST_TOKEN"]

    /// Runs the worker process until it exits or the task is cancelled (then SIGTERM, grace, SIGKILL).
    private func runWorker(_ stage: WorkerStage, id: Int) async -> String {
        var arguments = [
            "worker", "--molecule", stage.moleculeFile, "--molecule-name", stage.molecule, "--stage", stage.stage,
            "--bootstrap", configuration.bootstrapServers,
        ]
        arguments += configuration.extraArguments
        var options = PlatformOptions()
        options.teardownSequence = [.gracefulShutDown(allowedDurationToNextStep: configuration.gracePeriod)]
        do {
            let result =
                if configuration.forwardWorkerLogs {
                    try await Subprocess.run(
                        .path(.init(configuration.executable)), arguments: Arguments(arguments),
                        environment: Self.workerEnvironment, platformOptions: options, input: .none,
                        output: .discarded, error: .currentStandardError
                    ) { execution in self.started(stage, id: id, pid: execution.processIdentifier.value) }
                    .terminationStatus
                } else {
                    try await Subprocess.run(
                        .path(.init(configuration.executable)), arguments: Arguments(arguments),
                        environment: Self.workerEnvironment, platformOptions: options, input: .none,
                        output: .discarded, error: .discarded
                    ) { execution in self.started(stage, id: id, pid: execution.processIdentifier.value) }
                    .terminationStatus
                }
            return "\(result)"
        } catch {
            logger.error(
                "cannot start a worker", metadata: ["stage": "\(stage.molecule).\(stage.stage)", "error": "\(error)"])
            return "not started: \(error)"
        }
    }

    private func saveState() {
        let records = stages.flatMap { stage, members in
            members.compactMap { member in
                member.pid.map {
                    RecordedWorker(molecule: stage.molecule, stage: stage.stage, moleculeFile: stage.moleculeFile, pid: $0)
                }
            }
        }.sorted { $0.pid < $1.pid }
        do {
            try FileManager.default.createDirectory(atPath: configuration.stateDirectory, withIntermediateDirectories: true)
            try JSONEncoder().encode(records).write(to: URL(fileURLWithPath: stateFile), options: .atomic)
        } catch {
            logger.warning("cannot record the worker PIDs", metadata: ["file": "\(stateFile)", "error": "\(error)"])
        }
    }

    /// Whether `pid` runs `packetflow worker ... --stage stage` (its /proc command line).
    private static func isWorker(pid: Int32, stage: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        guard arguments.contains("worker"), let flag = arguments.firstIndex(of: "--stage"), flag + 1 < arguments.count
        else { return false }
        return arguments[flag + 1] == stage
    }
}
