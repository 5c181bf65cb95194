/// How ``ProcessWorkerScaler`` starts, restarts and stops `packetflow worker` processes.
///
/// Workers run in the reactor's working directory, where exec handlers' relative paths start.
public struct ProcessWorkerScalerConfiguration: Sendable {
    /// The `packetflow` executable the workers run. Default: the running binary (/proc/self/exe).
    public var executable: String
    /// The Kafka bootstrap address handed to every worker.
    public var bootstrapServers: String
    /// Arguments appended to every worker's command line (e.g. `--session-timeout-ms 6000`,
    /// `--property k=v`). Default: none.
    public var extraArguments: [String]
    /// The folder where the scaler keeps `workers.json` (the PIDs of its workers, so a
    /// restarted reactor adopts them instead of starting duplicates).
    public var stateDirectory: String
    /// Time a worker gets between SIGTERM and SIGKILL to drain. Default: 80 s, the worker's
    /// longest drain (60 s for its packets in flight) and revocation (15 s) with room to spare:
    /// a worker that drains is never cut short. Workers usually drain within a second.
    public var gracePeriod: Duration
    /// First pause before restarting a crashed worker; doubles per crash. Default: 500 ms.
    public var initialBackoff: Duration
    /// Longest pause before a restart. Default: 5 minutes (Kubernetes' CrashLoopBackOff cap),
    /// so a worker that cannot run costs a start every 5 minutes, not a stream of them.
    public var maximumBackoff: Duration
    /// A worker that ran this long before exiting restarts with ``initialBackoff`` again. Default: 60 s.
    public var backoffReset: Duration
    /// Exits in a row, each within ``backoffReset`` of its start, after which a worker counts
    /// as crash-looping (CRASHLOOP in status) until it runs for ``backoffReset``. Default: 3.
    public var crashLoopThreshold: Int
    /// Whether workers write their logs to the reactor's standard error. Default: true.
    public var forwardWorkerLogs: Bool

    /// A configuration with the defaults documented on each property.
    public init(
        executable: String = "/proc/self/exe", bootstrapServers: String, stateDirectory: String,
        extraArguments: [String] = []
    ) {
        self.executable = executable
        self.bootstrapServers = bootstrapServers
        self.extraArguments = extraArguments
        self.stateDirectory = stateDirectory
        self.gracePeriod = .seconds(80)
        self.initialBackoff = .milliseconds(500)
        self.maximumBackoff = .seconds(300)
        self.backoffReset = .seconds(60)
        self.crashLoopThreshold = 3
        self.forwardWorkerLogs = true
    }
}
