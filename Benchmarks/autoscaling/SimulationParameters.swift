/// The fixed facts of the simulated stage and its load, shared by every controller.
struct SimulationParameters {
    /// Partitions of the input topic.
    var partitions = 12
    /// Messages per second one replica handles.
    var perReplicaRate = 1_000.0
    /// Seconds from requesting a replica to it consuming.
    var startDelay = 5.0
    /// Seconds every consumer stops whenever the set of ready consumers changes (an eager rebalance).
    var rebalancePause = 2.0
    /// Seconds between offset commits of a worker: committed offsets trail consumption by up to this.
    var commitInterval = 1.0
    /// Simulation step in seconds.
    var tick = 0.5
    /// Length of the run in seconds.
    var duration = 900.0
    /// Input before and after the step, messages per second.
    var baseRate = 500.0
    /// Input during the step.
    var peakRate = 4_000.0
    /// When the step starts and ends, in seconds.
    var stepStart = 60.0
    var stepEnd = 360.0
    /// Relative input noise, changing every second (deterministic).
    var noise = 0.1
    /// Replica bounds of the stage (a DF stage on 12 partitions).
    var minReplicas = 1
    var maxReplicas = 12

    /// The input rate during the second that contains `time`.
    func inputRate(at time: Double) -> Double {
        let level = time >= stepStart && time < stepEnd ? peakRate : baseRate
        // A fixed hash of the second: the same noise on every run and for every controller.
        var mixed = UInt64(time.rounded(.down)) &* 0x9E37_79B9_7F4A_7C15
        mixed = (mixed ^ (mixed >> 29)) &* 0xBF58_476D_1CE4_E5B9
        let unit = Double(mixed >> 11) / Double(1 << 53)
        return level * (1 + noise * (2 * unit - 1))
    }
}
