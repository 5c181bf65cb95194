/// Starts and stops the workers of deployed stages: processes here, pods with Kubernetes.
///
/// The reactor calls ``setReplicas(_:for:)`` after every decision and reads ``running(_:)``
/// as the stage's ready replicas. An implementation restarts crashed workers by itself and
/// counts the restarts.
public protocol WorkerScaler: Sendable {
    /// Makes `stage` run `replicas` workers: starts the missing ones, stops the surplus
    /// gracefully. Returns without waiting for workers to become ready or to finish draining.
    func setReplicas(_ replicas: Int, for stage: WorkerStage) async throws

    /// Workers of `stage` running now (started and not exited), draining ones excluded.
    func running(_ stage: WorkerStage) async -> Int

    /// How often workers of `stage` were restarted after exiting on their own.
    func restarts(_ stage: WorkerStage) async -> Int

    /// Workers of `stage` that keep exiting soon after they start (shown as CRASHLOOP).
    func crashLooping(_ stage: WorkerStage) async -> Int

    /// Replaces every running worker of `stage` with a new one (a healing reaction to a stall).
    func restartWorkers(_ stage: WorkerStage) async throws

    /// Stops every worker of `molecule` (undeploy), waiting until they exited.
    func stopAll(molecule: String) async

    /// Stops every worker (reactor shutdown), waiting until they exited.
    func shutdown() async
}

/// One stage of one molecule, as the scaler sees it: names and the molecule file to run.
public struct WorkerStage: Sendable, Hashable {
    /// The molecule.
    public var molecule: String
    /// The stage.
    public var stage: String
    /// Path of the molecule file the worker reads.
    public var moleculeFile: String

    /// Creates a stage reference.
    public init(molecule: String, stage: String, moleculeFile: String) {
        self.molecule = molecule
        self.stage = stage
        self.moleculeFile = moleculeFile
    }
}
