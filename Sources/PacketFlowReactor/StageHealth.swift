/// Judges a stage's health: Burrow's partition statuses plus LOSS, failures, restarts and
/// crash loops.
///
/// Partition rules, over the samples of the window (the first that applies wins):
/// 1. LOSS: the low watermark passed the committed offset at the latest sample.
/// 2. OK: fewer samples than ``StageHealthConfiguration/minimumSamples``, or the latest lag
///    is within ``StageHealthConfiguration/allowedLag``.
/// 3. STOP: no worker runs and the committed offset did not move over the last
///    ``StageHealthConfiguration/minimumSamples`` samples (nobody consumes: no need to wait
///    for a whole window).
/// 4. REWIND: the committed offset went backwards between two samples.
/// 5. STALL: workers run but the committed offset never moved over the whole window.
/// 6. WARN: the lag never decreased from one sample to the next and grew overall.
/// 7. OK otherwise.
///
/// Burrow tells STOP from STALL by commit timestamps, which Kafka's committed offsets do not
/// carry; the reactor knows whether workers run, so that is what separates them here.
/// The stage's status is its worst partition's. Pure and stateless.
public struct StageHealth: Sendable {
    /// The thresholds.
    public let configuration: StageHealthConfiguration

    /// Creates an evaluator with the given thresholds.
    public init(configuration: StageHealthConfiguration = .init()) {
        self.configuration = configuration
    }

    /// The status of one partition over `samples` (oldest first); OK when it never appears.
    public func status(ofPartition partition: Int32, in samples: [StageSample], runningReplicas: Int) -> PartitionStatus
    {
        let points = samples.compactMap { $0.partition(partition) }
        guard let latest = points.last else { return .ok }
        if latest.isLosingData { return .loss }
        let reset = configuration.resetPolicy
        guard points.count >= max(configuration.minimumSamples, 2),
            latest.lag(resetPolicy: reset) > configuration.allowedLag
        else { return .ok }
        func moved(_ points: ArraySlice<PartitionLagSample>) -> Bool {
            zip(points, points.dropFirst()).contains {
                $1.progressOffset(resetPolicy: reset) > $0.progressOffset(resetPolicy: reset)
            }
        }
        if runningReplicas == 0 && !moved(points.suffix(max(configuration.minimumSamples, 2))) { return .stop }
        let steps = zip(points, points.dropFirst())
        if steps.contains(where: { $0.hasCommitted && $1.hasCommitted && $1.committedOffset < $0.committedOffset }) {
            return .rewind
        }
        if !moved(points[...]) { return .stall }
        let lags = points.map { $0.lag(resetPolicy: reset) }
        let neverDecreased = zip(lags, lags.dropFirst()).allSatisfy { $1 >= $0 }
        if neverDecreased, let first = lags.first, let last = lags.last, last > first { return .warn }
        return .ok
    }

    /// Judges a stage: partition statuses, stability, reasons and healing reactions.
    public func evaluate(_ input: StageHealthInput) -> StabilityVerdict {
        let reset = configuration.resetPolicy
        let latest = input.samples.last?.partitions ?? []
        let partitions = latest.sorted { $0.partition < $1.partition }.map { sample in
            StabilityVerdict.PartitionHealth(
                partition: sample.partition,
                status: status(
                    ofPartition: sample.partition, in: input.samples, runningReplicas: input.runningReplicas),
                lag: sample.lag(resetPolicy: reset))
        }
        let worst = partitions.map(\.status).max() ?? .ok
        var findings = Findings(input: input)
        for status in PartitionStatus.allCases.reversed() where status != .ok {
            let affected = partitions.filter { $0.status == status }.map(\.partition)
            if !affected.isEmpty {
                findings.add(status: status, partitions: affected, restartLimit: configuration.restartLimit)
            }
        }
        findings.addActivity(configuration: configuration)
        return StabilityVerdict(
            stage: input.stage, group: input.group, status: worst, partitions: partitions,
            isStable: !findings.unstable, reasons: findings.reasons, reactions: findings.reactions,
            crashLooping: input.crashLooping > 0)
    }

    /// Accumulates reasons and reactions while a verdict is built.
    private struct Findings {
        let input: StageHealthInput
        var unstable = false
        var reasons: [String] = []
        var reactions: [HealingReaction] = []

        init(input: StageHealthInput) { self.input = input }

        mutating func add(status: PartitionStatus, partitions: [Int32], restartLimit: Int) {
            let which =
                (partitions.count == 1 ? "partition " : "partitions ")
                + partitions.map(String.init).joined(separator: ", ")
            let words: String
            switch status {
            case .loss: words = "retention deleted unread messages on \(which) (LOSS)"
            case .stop: words = "no worker and no progress on \(which) (STOP)"
            case .stall: words = "offsets not moving on \(which) (STALL)"
            case .rewind: words = "offsets went backwards on \(which) (REWIND)"
            case .warn: words = "lag not decreasing on \(which) (WARN)"
            case .ok: return
            }
            reasons.append(words)
            unstable = unstable || status.isError
            switch status {
            case .stop, .stall:
                // A crash-looping stage is not restarted again; its restarts are a reason of their own.
                if input.restarts < restartLimit, input.crashLooping == 0 {
                    react(.restartWorkers, target: input.stage, reason: words)
                }
            case .loss, .warn:
                react(.scaleOut, target: input.stage, reason: words)
            default:
                break
            }
        }

        mutating func addActivity(configuration: StageHealthConfiguration) {
            if input.deadLetteredLastMinute >= configuration.deadLetterStorm {
                let words = "\(input.deadLetteredLastMinute) dead-lettered in the last minute (storm)"
                reasons.append(words)
                unstable = true
                if let upstream = input.upstreamStage { react(.pauseStage, target: upstream, reason: words) }
            }
            if input.handledLastMinute >= configuration.minimumCallsForFailureRate, input.handledLastMinute > 0 {
                let rate = Double(input.failedLastMinute) / Double(input.handledLastMinute)
                if rate >= configuration.failureRateLimit {
                    reasons.append(
                        "\(Int((rate * 100).rounded()))% of \(input.handledLastMinute) handler calls failed in the last minute"
                    )
                    unstable = true
                }
            }
            if input.crashLooping > 0 {
                let workers = input.crashLooping == 1 ? "1 worker exits" : "\(input.crashLooping) workers exit"
                reasons.append("\(workers) soon after starting, again and again (CRASHLOOP): restarted with a growing backoff")
                unstable = true
            } else if input.restarts >= configuration.restartLimit {
                reasons.append("\(input.restarts) restarts")
                unstable = true
            }
        }

        private mutating func react(_ action: HealingReaction.Action, target: String, reason: String) {
            guard !reactions.contains(where: { $0.action == action && $0.target == target }) else { return }
            reactions.append(
                HealingReaction(stage: input.stage, target: target, action: action, reason: reason, time: input.now))
        }
    }
}
