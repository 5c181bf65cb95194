import PacketFlowReactor

/// The stage's input topic and its workers: one queue model every controller runs against.
///
/// Input is spread evenly over partitions. Ready replicas split the partitions round-robin;
/// each handles `perReplicaRate` messages per second over its partitions that have a backlog.
/// Requested replicas become ready after `startDelay`; any change of the ready set pauses all
/// consumers for `rebalancePause`. Offsets are committed every `commitInterval`.
struct TopicModel {
    let parameters: SimulationParameters
    private(set) var produced: [Double]
    private(set) var consumed: [Double]
    private(set) var committed: [Int64]
    /// Times at which each requested replica is (or was) ready, in request order.
    private var readyAt: [Double] = []
    private var lastReadyCount = 0
    private var pausedUntil = 0.0
    private var nextCommit: Double

    init(parameters: SimulationParameters, replicas: Int) {
        self.parameters = parameters
        produced = Array(repeating: 0, count: parameters.partitions)
        consumed = Array(repeating: 0, count: parameters.partitions)
        committed = Array(repeating: 0, count: parameters.partitions)
        readyAt = Array(repeating: 0, count: replicas)
        nextCommit = parameters.commitInterval
        lastReadyCount = replicas
    }

    /// Replicas requested, ready or starting.
    var requestedReplicas: Int { readyAt.count }

    /// Replicas consuming (or paused by a rebalance) at `time`.
    func readyReplicas(at time: Double) -> Int { readyAt.filter { $0 <= time }.count }

    /// Messages produced and not yet processed (independent of commits).
    var trueLag: Double { zip(produced, consumed).reduce(0) { $0 + $1.0 - $1.1 } }

    /// Starts or stops replicas; stopping removes the most recently requested first.
    mutating func setReplicas(_ count: Int, at time: Double) {
        if count > readyAt.count {
            readyAt += Array(repeating: time + parameters.startDelay, count: count - readyAt.count)
        } else if count < readyAt.count {
            readyAt.removeLast(readyAt.count - count)
        }
    }

    /// Moves the model forward by one tick ending at `time`.
    mutating func advance(to time: Double, inputRate: Double) {
        let tick = parameters.tick
        for index in produced.indices { produced[index] += inputRate * tick / Double(parameters.partitions) }
        let ready = readyReplicas(at: time)
        if ready != lastReadyCount {
            lastReadyCount = ready
            pausedUntil = time + parameters.rebalancePause
        }
        if time > pausedUntil && ready > 0 { consume(ready: ready, seconds: tick) }
        if time >= nextCommit {
            committed = consumed.map { Int64($0.rounded(.down)) }
            nextCommit = time + parameters.commitInterval
        }
    }

    /// The offsets as the reactor's sampler would read them.
    func sample(at time: Double, readyReplicas: Int) -> StageSample {
        StageSample(
            time: .milliseconds(Int64((time * 1_000).rounded())), readyReplicas: readyReplicas,
            partitions: produced.indices.map {
                PartitionLagSample(
                    partition: Int32($0), lowWatermark: 0, highWatermark: Int64(produced[$0].rounded(.down)),
                    committedOffset: committed[$0])
            })
    }

    private mutating func consume(ready: Int, seconds: Double) {
        for replica in 0..<min(ready, parameters.partitions) {
            let owned = Array(stride(from: replica, to: parameters.partitions, by: ready))
            var budget = parameters.perReplicaRate * seconds
            // Share the replica's budget over its partitions with a backlog until either runs out.
            while budget > 1e-6 {
                let waiting = owned.filter { produced[$0] - consumed[$0] > 1e-6 }
                guard !waiting.isEmpty else { break }
                let share = budget / Double(waiting.count)
                for partition in waiting {
                    let taken = min(share, produced[partition] - consumed[partition])
                    consumed[partition] += taken
                    budget -= taken
                }
            }
        }
    }
}
