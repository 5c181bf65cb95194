/// Where KEDA reaches the reactor from inside the cluster, and the desired-replicas route.
///
/// The reactor runs as the Deployment and Service of deploy/kubernetes/reactor (Service
/// `packetflow-reactor`, port 8080). Each generated ScaledObject's trigger polls
/// ``desiredReplicasURL(molecule:stage:)``:
/// `http://packetflow-reactor.<namespace>.svc:8080/v1/molecules/<molecule>/stages/<stage>/desired-replicas`.
/// Molecule and stage appear as declared (they are identifiers, safe in a URL path).
public struct ReactorEndpoint: Sendable, Hashable {
    /// The route the reactor serves, with its two parameters.
    public static let desiredReplicasRoute = "/v1/molecules/{molecule}/stages/{stage}/desired-replicas"

    /// The reactor's Service name. Default: `packetflow-reactor`.
    public var service: String
    /// The namespace of the reactor's Service.
    public var namespace: String
    /// The Service's HTTP port. Default: 8080.
    public var port: Int

    /// Creates the endpoint of the reactor Service `service` in `namespace`.
    public init(service: String = "packetflow-reactor", namespace: String, port: Int = 8080) {
        self.service = service
        self.namespace = namespace
        self.port = port
    }

    /// The Service's cluster-local base URL: `http://packetflow-reactor.packetflow.svc:8080`.
    public var baseURL: String { "http://\(service).\(namespace).svc:\(port)" }

    /// The path of one stage's desired replicas: ``desiredReplicasRoute`` filled in.
    public static func desiredReplicasPath(molecule: String, stage: String) -> String {
        "/v1/molecules/\(molecule)/stages/\(stage)/desired-replicas"
    }

    /// The full URL KEDA polls for one stage.
    public func desiredReplicasURL(molecule: String, stage: String) -> String {
        baseURL + Self.desiredReplicasPath(molecule: molecule, stage: stage)
    }
}
