/// KEDA's Kafka scaler feeding the Kubernetes HPA, with their defaults: what a controller
/// following KEDA decides from a stage's lag, the same in the simulation and on real workers.
///
/// Lag per partition = latest offset - committed offset; the total is capped at
/// partitions x lagThreshold (idle consumers not allowed). The HPA syncs every 15 s:
/// desired = ceil(totalLag / lagThreshold), unchanged within a 10% tolerance, bounded by
/// min/max; scale-up at most max(+4 pods, x2) per 60 s; scale-down to the highest
/// recommendation of the last 300 s. (KEDA's own pollingInterval, 30 s, only matters for
/// activation from zero replicas, which a minimum of 1 never uses.)
public struct KEDAFormula: Sendable {
    public let lagThreshold: Double
    public let partitions: Int
    public let minReplicas: Int
    public let maxReplicas: Int
    public var syncPeriod = 15.0
    public var tolerance = 0.1
    public var scaleUpPeriod = 60.0
    public var scaleDownStabilization = 300.0
    /// When the first sync happens: half a period, so a step lands mid-period, the average
    /// case (a sync aligned with the step would flatter KEDA, one just before it would not).
    public var syncPhase = 7.5
    private var nextSync: Double
    private var recommendations: [(time: Double, replicas: Int)] = []
    private var scaleUps: [(time: Double, added: Int)] = []
    /// Every scale event with the metric that caused it.
    public private(set) var log: [String] = []

    public init(lagThreshold: Double, partitions: Int, minReplicas: Int, maxReplicas: Int) {
        self.lagThreshold = lagThreshold
        self.partitions = partitions
        self.minReplicas = minReplicas
        self.maxReplicas = maxReplicas
        nextSync = syncPhase
    }

    /// Whether the HPA syncs at `time` (seconds since the start).
    public func isSyncDue(at time: Double) -> Bool { time >= nextSync }

    /// The replicas the HPA sets at a sync at `time`, with `current` replicas and `lag`
    /// messages behind; nil between syncs.
    public mutating func desired(at time: Double, current: Int, lag: Double) -> Int? {
        guard time >= nextSync else { return nil }
        nextSync = time + syncPeriod
        let totalLag = min(lag, Double(partitions) * lagThreshold)
        var desired = Int((totalLag / lagThreshold).rounded(.up))
        if current > 0, abs(totalLag / (lagThreshold * Double(current)) - 1) <= tolerance { desired = current }
        desired = min(max(desired, minReplicas), maxReplicas)

        recommendations.append((time, desired))
        recommendations.removeAll { $0.time < time - scaleDownStabilization }
        if desired < current {
            desired = min(current, recommendations.map(\.replicas).max() ?? current)
        }
        if desired > current {
            scaleUps.removeAll { $0.time <= time - scaleUpPeriod }
            let periodStart = current - scaleUps.reduce(0) { $0 + $1.added }
            desired = min(desired, max(periodStart + 4, periodStart * 2))
            if desired > current { scaleUps.append((time, desired - current)) }
        }
        if desired != current {
            log.append("t=\(Int(time)) s  lag \(Int(lag)) (counted \(Int(totalLag))): scaled \(current) -> \(desired)")
        }
        return desired
    }
}
