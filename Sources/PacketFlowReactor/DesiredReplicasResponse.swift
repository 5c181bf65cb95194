/// What the reactor answers at `GET /v1/molecules/{molecule}/stages/{stage}/desired-replicas`.
///
/// KEDA's `metrics-api` trigger in every generated ScaledObject polls this endpoint and reads
/// the number at ``valueLocation`` (`desiredReplicas`). With the trigger's `targetValue` of
/// `"1"` and the `AverageValue` metric type, the HPA computes `ceil(desiredReplicas / 1)`, so
/// Kubernetes runs exactly the replicas the reactor's autoscaler decided, within the
/// ScaledObject's bounds. The other fields are for people and `curl`; KEDA ignores them.
///
/// ```json
/// {"currentReplicas":3,"desiredReplicas":5,"maxReplicas":8,"minReplicas":1,
///  "molecule":"ProcessingPipeline","reason":"inflow-exceeds-capacity","stage":"ComputePacket"}
/// ```
/// The reactor serves it with status 200 and `Content-Type: application/json`; an unknown
/// molecule or stage is a 404, which KEDA counts as a failure towards its fallback.
public struct DesiredReplicasResponse: Sendable, Hashable, Codable {
    /// The JSON key KEDA reads, as written in each ScaledObject's `valueLocation` (a GJSON path).
    public static let valueLocation = "desiredReplicas"

    /// The molecule's name as declared: `ProcessingPipeline`.
    public var molecule: String
    /// The stage's name as declared (its first packet): `ComputePacket`.
    public var stage: String
    /// Replicas the autoscaler decided the stage should run: the number KEDA scales to.
    public var desiredReplicas: Int
    /// Replicas running when the decision was taken.
    public var currentReplicas: Int
    /// The lowest replicas the autoscaler keeps.
    public var minReplicas: Int
    /// The highest replicas the autoscaler allows.
    public var maxReplicas: Int
    /// Why, as the autoscaler's reason code: `inflow-exceeds-capacity`, `balanced`, ...
    public var reason: String

    /// Creates a response.
    public init(
        molecule: String, stage: String, desiredReplicas: Int, currentReplicas: Int,
        minReplicas: Int, maxReplicas: Int, reason: String
    ) {
        self.molecule = molecule
        self.stage = stage
        self.desiredReplicas = desiredReplicas
        self.currentReplicas = currentReplicas
        self.minReplicas = minReplicas
        self.maxReplicas = maxReplicas
        self.reason = reason
    }
}
