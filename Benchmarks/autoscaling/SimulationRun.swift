/// One controller driving the topic model through the whole trace, and what it cost.
struct SimulationRun {
    /// One row per second: input, requested and ready replicas, lag.
    struct Row {
        var time: Double
        var inputRate: Double
        var replicas: Int
        var ready: Int
        var lag: Double
    }

    let name: String
    private(set) var rows: [Row] = []
    private(set) var scaleEvents: [(time: Double, from: Int, to: Int)] = []
    private(set) var replicaSeconds = 0.0
    /// The controller's explanation of each scale event.
    private(set) var log: [String] = []

    /// Runs `controller` over the trace of `parameters`.
    init(controller: some ReplicaController, parameters: SimulationParameters) {
        var controller = controller
        name = controller.name
        var topic = TopicModel(parameters: parameters, replicas: parameters.minReplicas)
        let ticks = Int((parameters.duration / parameters.tick).rounded())
        for step in 1...ticks {
            let time = Double(step) * parameters.tick
            let input = parameters.inputRate(at: time - parameters.tick)
            topic.advance(to: time, inputRate: input)
            if let wanted = controller.replicas(at: time, topic: topic), wanted != topic.requestedReplicas {
                scaleEvents.append((time, topic.requestedReplicas, wanted))
                topic.setReplicas(wanted, at: time)
            }
            replicaSeconds += Double(topic.requestedReplicas) * parameters.tick
            if step % Int((1 / parameters.tick).rounded()) == 0 {
                rows.append(
                    Row(
                        time: time, inputRate: input, replicas: topic.requestedReplicas,
                        ready: topic.readyReplicas(at: time), lag: topic.trueLag))
            }
        }
        log = controller.log
    }

    /// Seconds from the step until the first scale-out, or `nil` if none.
    func reactionTime(stepStart: Double) -> Double? {
        scaleEvents.first { $0.time >= stepStart && $0.to > $0.from }.map { $0.time - stepStart }
    }

    /// Seconds from the step until ready capacity first covers the peak input.
    func timeToCapacity(stepStart: Double, parameters: SimulationParameters) -> Double? {
        rows.first {
            $0.time >= stepStart
                && Double(min($0.ready, parameters.partitions)) * parameters.perReplicaRate >= parameters.peakRate
        }.map { $0.time - stepStart }
    }

    /// Seconds from the step until the lag, past its peak, is back under one second of peak input.
    func timeToDrain(stepStart: Double, stepEnd: Double, threshold: Double) -> Double? {
        let during = rows.filter { $0.time >= stepStart }
        guard let peak = during.filter({ $0.time < stepEnd }).max(by: { $0.lag < $1.lag }) else { return nil }
        return during.first { $0.time >= peak.time && $0.lag <= threshold }.map { $0.time - stepStart }
    }

    /// Seconds from the end of the step until the replicas are back at the minimum, or `nil`.
    func timeToMinimum(stepEnd: Double, minimum: Int) -> Double? {
        guard let last = rows.last, last.replicas == minimum else { return nil }
        let lastAbove = rows.last { $0.replicas > minimum }?.time ?? stepEnd
        return max(0, lastAbove + 1 - stepEnd)
    }

    /// The largest lag of the run.
    var maxLag: Double { rows.map(\.lag).max() ?? 0 }

    /// The most replicas requested.
    var maxReplicas: Int { rows.map(\.replicas).max() ?? 0 }
}
