import PacketFlowCore
import PacketFlowReactor

/// The reactor's loop around the pure autoscaler: sample every interval, decide, record.
struct PacketFlowController: ReplicaController {
    let name: String
    let partitions: Int
    let autoscaler: Autoscaler
    private var window: LagWindow
    private var history = ScalingHistory()
    private var nextSample = 0.0
    /// Every scale event's explanation.
    private(set) var log: [String] = []

    init(name: String, partitions: Int, configuration: AutoscalerConfiguration = .init()) {
        self.name = name
        self.partitions = partitions
        autoscaler = Autoscaler(configuration: configuration)
        window = LagWindow(configuration: configuration)
    }

    mutating func replicas(at time: Double, topic: TopicModel) -> Int? {
        guard time >= nextSample else { return nil }
        nextSample = time + autoscaler.configuration.samplingInterval / .seconds(1)
        window.append(topic.sample(at: time, readyReplicas: topic.readyReplicas(at: time)))
        let decision = autoscaler.decide(
            StageScalingInput(
                stage: "ComputePacket", group: .dataFlow, partitions: partitions,
                currentReplicas: topic.requestedReplicas, estimates: window.estimates, history: history,
                now: .milliseconds(Int64((time * 1_000).rounded()))))
        history.record(decision)
        if decision.action != .hold { log.append("t=\(Int(time)) s  \(decision.explanation)") }
        return decision.desiredReplicas
    }
}
