/// KEDA's Kafka scaler feeding the Kubernetes HPA, with their defaults.
///
/// Lag per partition = latest offset - committed offset; the total is capped at
/// partitions x lagThreshold (idle consumers not allowed). The HPA syncs every 15 s:
/// desired = ceil(totalLag / lagThreshold), unchanged within a 10% tolerance, bounded by
/// min/max; scale-up at most max(+4 pods, x2) per 60 s; scale-down to the highest
/// recommendation of the last 300 s. (KEDA's own pollingInterval, 30 s, only matters for
/// activation from zero replicas, which a minimum of 1 never uses.)
struct KEDAController: ReplicaController {
    let name: String
    let lagThreshold: Double
    let parameters: SimulationParameters
    var syncPeriod = 15.0
    var tolerance = 0.1
    var scaleUpPeriod = 60.0
    var scaleDownStabilization = 300.0
    /// When the first sync happens: half a period, so the step lands mid-period, the average
    /// case (a sync aligned with the step would flatter KEDA, one just before it would not).
    var syncPhase = 7.5
    private var nextSync: Double
    private var recommendations: [(time: Double, replicas: Int)] = []
    private var scaleUps: [(time: Double, added: Int)] = []
    /// Every scale event with the metric that caused it.
    private(set) var log: [String] = []

    init(name: String, lagThreshold: Double, parameters: SimulationParameters) {
        self.name = name
        self.lagThreshold = lagThreshold
        self.parameters = parameters
        nextSync = syncPhase
    }

    mutating func replicas(at time: Double, topic: TopicModel) -> Int? {
        guard time >= nextSync else { return nil }
        nextSync = time + syncPeriod
        let current = topic.requestedReplicas
        let sample = topic.sample(at: time, readyReplicas: 0)
        let lag = sample.partitions.reduce(0.0) { $0 + Double($1.highWatermark - $1.committedOffset) }
        let totalLag = min(lag, Double(parameters.partitions) * lagThreshold)
        var desired = Int((totalLag / lagThreshold).rounded(.up))
        if current > 0, abs(totalLag / (lagThreshold * Double(current)) - 1) <= tolerance { desired = current }
        desired = min(max(desired, parameters.minReplicas), parameters.maxReplicas)

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
