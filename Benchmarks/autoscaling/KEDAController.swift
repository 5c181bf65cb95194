import KEDAFormula

/// KEDA's Kafka scaler feeding the Kubernetes HPA, with their defaults (``KEDAFormula``),
/// reading the simulated topic.
struct KEDAController: ReplicaController {
    let name: String
    private var formula: KEDAFormula

    init(name: String, lagThreshold: Double, parameters: SimulationParameters) {
        self.name = name
        formula = KEDAFormula(
            lagThreshold: lagThreshold, partitions: parameters.partitions, minReplicas: parameters.minReplicas,
            maxReplicas: parameters.maxReplicas)
    }

    var log: [String] { formula.log }

    mutating func replicas(at time: Double, topic: TopicModel) -> Int? {
        guard formula.isSyncDue(at: time) else { return nil }
        let sample = topic.sample(at: time, readyReplicas: 0)
        let lag = sample.partitions.reduce(0.0) { $0 + Double($1.highWatermark - $1.committedOffset) }
        return formula.desired(at: time, current: topic.requestedReplicas, lag: lag)
    }
}
