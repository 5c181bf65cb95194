/// What `packetflow deploy --target kubernetes` needs besides the plan: where and how to run.
///
/// Defaults fit the reactor manifests of deploy/kubernetes/reactor: namespace `packetflow`,
/// the Kafka connection in ConfigMap `packetflow-kafka` and Secret
/// `packetflow-kafka-credentials`, the reactor at Service `packetflow-reactor:8080`.
public struct KubernetesDeployConfiguration: Sendable, Hashable {
    /// How strictly a stage's placement class binds it to labelled nodes.
    public enum PlacementEnforcement: String, Sendable, Hashable, CaseIterable {
        /// `preferredDuringSchedulingIgnoredDuringExecution`: labelled nodes first, any node
        /// when none fits. The default, so a cluster without PacketFlow labels still runs
        /// every stage instead of leaving pods Pending.
        case preferred
        /// `requiredDuringSchedulingIgnoredDuringExecution`: only nodes with the stage's
        /// placement label; pods stay Pending until such a node has room.
        case required
    }

    /// The node label every stage's node affinity reads: `packetflow.dev/placement`, with a
    /// placement class as value (`sequential-node`, `parallel-pool`, `edge`, `coordinator`,
    /// `control`, `resource`).
    public static let placementLabel = "packetflow.dev/placement"

    /// The namespace of every generated object. Default: `packetflow`.
    public var namespace: String = "packetflow"
    /// The worker image: `packetflow` with the molecule's handlers. Default: `packetflow:latest`.
    public var image: String = "packetflow:latest"
    /// The containers' `imagePullPolicy`. Default: `IfNotPresent`.
    public var imagePullPolicy: String = "IfNotPresent"
    /// Preferred or required node affinity. Default: ``PlacementEnforcement/preferred``.
    public var placement: PlacementEnforcement = .preferred
    /// Where KEDA asks for desired replicas. Default: `packetflow-reactor` in ``namespace``, port 8080.
    public var reactor: ReactorEndpoint
    /// The ConfigMap whose keys become the workers' environment (`PACKETFLOW_BOOTSTRAP`,
    /// `PACKETFLOW_SECURITY_PROTOCOL`, ...). Default: `packetflow-kafka`.
    public var kafkaConfigMap: String = "packetflow-kafka"
    /// The Secret whose keys become the workers' environment (`PACKETFLOW_SASL_PASSWORD`, ...);
    /// optional, so clusters without authentication need none. Default: `packetflow-kafka-credentials`.
    public var kafkaSecret: String = "packetflow-kafka-credentials"
    /// How often KEDA polls the reactor (`pollingInterval`). Default: 15 s.
    public var pollingInterval: Duration = .seconds(15)
    /// Failed polls in a row after which KEDA runs the fallback replicas. Default: 3.
    public var fallbackFailureThreshold: Int = 3
    /// Time a draining worker needs beyond its longest handler call: flushing results and
    /// committing offsets. Default: 10 s.
    public var flushAllowance: Duration = .seconds(10)
    /// Time Kubernetes waits beyond the drain time before it kills a worker. Default: 10 s.
    public var terminationMargin: Duration = .seconds(10)

    /// A configuration with the defaults, in `namespace`.
    public init(namespace: String = "packetflow") {
        self.namespace = namespace
        self.reactor = ReactorEndpoint(namespace: namespace)
    }
}
