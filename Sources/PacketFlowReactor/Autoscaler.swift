import PacketFlowCore

/// The reactor's scaling decision for one stage: a pure function of its inputs.
///
/// The model (docs/autoscaling.md) sizes a stage to absorb its input and drain its lag:
///
///     requiredCapacity = inputRate / targetUtilization + lag / catchUpTarget
///     capacity(n)      = perReplicaRate x partitions / ceil(partitions / n)
///     model replicas   = the smallest n with capacity(n) >= requiredCapacity
///
/// bounded by the policy's minimum and maximum and by the partition count (a consumer group
/// member beyond the partitions gets none and idles). A stage's partitions spread evenly over
/// its workers, so the busiest owns ceil(partitions / n) of them and sets the pace: 9 workers
/// on 12 partitions handle what 6 do, and the model counts only replicas that add capacity
/// (as Flink's autoscaler aligns a source's parallelism with its partitions). When required capacity exceeds the
/// current capacity by more than ``AutoscalerConfiguration/scaleOutTolerance``, it scales out at once, by at most
/// the group's scale-out factor per decision (at least one replica); it scales in only when
/// the recommendation stayed below the current replicas for the whole stabilization window
/// (the group's, or ``AutoscalerConfiguration/scaleInStabilization``), never while a backlog drains or lag rises,
/// straight to the window's highest recommendation when the workers report their rate, by at most
/// ``AutoscalerConfiguration/scaleInFraction`` per step otherwise, and one step per
/// ``AutoscalerConfiguration/scaleInInterval``. Unknown capacity with rising lag is a cold
/// start: one scale-out step. Rising lag on a backlog adds a replica below the maximum
/// even when a lag-inferred rate says the replicas suffice (not a rate the workers reported:
/// that is their true capacity). Those two guesses are made only
/// when the stage is settled: every requested replica ready and the last two decisions holds,
/// so the window can measure capacity before the next guess.
///
/// Reads no clock and keeps no state: the caller supplies time, estimates and history, so
/// it is safe to call from any thread.
public struct Autoscaler: Sendable {
    /// The model's parameters.
    public let configuration: AutoscalerConfiguration

    /// Creates an autoscaler with the given parameters (defaults documented on each).
    public init(configuration: AutoscalerConfiguration = .init()) {
        self.configuration = configuration
    }

    /// Messages per second the stage should be able to handle: input with headroom plus
    /// the lag spread over the catch-up target.
    public func requiredCapacity(for estimates: LagEstimates) -> Double {
        let utilization = min(max(configuration.targetUtilization, 0.05), 1)
        let catchUp = max(configuration.catchUpTarget.inSeconds, 1)
        return estimates.lastingInputRate / utilization + Double(max(estimates.lag, 0)) / catchUp
    }

    /// Messages per second `replicas` workers handle at `rate` each when their input spreads
    /// evenly over `partitions` (0: unknown, every replica counts): the busiest worker owns
    /// ceil(partitions / replicas) partitions, and every partition's share of the input waits
    /// on a worker that busy.
    public static func capacity(of replicas: Int, rate: Double, partitions: Int) -> Double {
        guard partitions > 0 else { return rate * Double(max(replicas, 0)) }
        let members = min(replicas, partitions)
        guard members > 0 else { return 0 }
        let busiest = (partitions + members - 1) / members
        return rate * Double(partitions) / Double(busiest)
    }

    /// The fewest replicas as fast as `replicas` on `partitions`: 5 workers on 12 partitions
    /// leave 3 to the busiest, as 4 do, so a maximum of 5 is a maximum of 4.
    static func aligned(_ replicas: Int, partitions: Int) -> Int {
        guard partitions > 0, replicas > 0, replicas < partitions else { return replicas }
        let busiest = (partitions + replicas - 1) / replicas
        return (partitions + busiest - 1) / busiest
    }

    /// The fewest replicas whose ``capacity(of:rate:partitions:)`` covers `required`; beyond
    /// the partitions, the count the rate alone asks for (which the bounds then cap).
    private func replicas(for required: Double, rate: Double, partitions: Int) -> Int {
        let unaligned = Int((required / rate).rounded(.up))
        guard partitions > 0, unaligned <= partitions else { return unaligned }
        var count = max(unaligned, 0)
        while count < partitions, Self.capacity(of: count, rate: rate, partitions: partitions) < required { count += 1 }
        return count
    }

    /// Lag (messages) above which the stage has a backlog rather than normal in-flight lag:
    /// the larger of ``AutoscalerConfiguration/minimumBacklog`` and
    /// ``AutoscalerConfiguration/backlogTolerance`` worth of input.
    public func backlogThreshold(for estimates: LagEstimates) -> Double {
        max(Double(configuration.minimumBacklog), estimates.inputRate * configuration.backlogTolerance.inSeconds)
    }

    /// Decides the replicas of one stage.
    public func decide(_ input: StageScalingInput) -> ScalingDecision {
        let policy = input.policy
        let estimates = input.estimates
        let current = max(0, input.currentReplicas)
        let ceiling = input.partitions > 0 ? min(policy.maxReplicas, input.partitions) : policy.maxReplicas
        let floor = min(policy.minReplicas, ceiling)
        let bounds = Bounds(
            floor: floor, ceiling: max(floor, Self.aligned(ceiling, partitions: input.partitions)),
            partitions: input.partitions, policyMaximum: policy.maxReplicas)
        let required = requiredCapacity(for: estimates)
        let modelReplicas = estimates.perReplicaRate.flatMap { rate in
            rate > 0 ? replicas(for: required, rate: rate, partitions: input.partitions) : nil
        }
        // Replicas still starting, or a scale event in the last two decisions, leave no two
        // clean intervals yet (what the window needs to measure capacity); the guesses
        // (cold start, lag rising) wait for them.
        let settled =
            estimates.readyReplicas >= current && input.history.decisions.suffix(2).allSatisfy { $0.action == .hold }
        let recommendation = recommend(
            current: current, modelReplicas: modelReplicas, required: required, estimates: estimates,
            bounds: bounds, policy: policy, settled: settled)
        let choice = choose(
            input: input, current: current, recommendation: recommendation,
            modelReplicas: modelReplicas, bounds: bounds, policy: policy)
        let action: ScalingDecision.Action =
            choice.desired > current ? .scaleOut : choice.desired < current ? .scaleIn : .hold
        return ScalingDecision(
            stage: input.stage, group: input.group, time: input.now, action: action,
            currentReplicas: current, desiredReplicas: choice.desired,
            recommendedReplicas: recommendation.replicas, reason: choice.reason,
            explanation:
                "\(input.stage): \(situation(estimates, current: current, partitions: input.partitions)): \(choice.words)",
            inputs: .init(
                estimates: estimates, requiredCapacity: required, modelReplicas: modelReplicas,
                minReplicas: bounds.floor, maxReplicas: bounds.ceiling, partitions: input.partitions))
    }

    private struct Bounds {
        var floor: Int
        var ceiling: Int
        var partitions: Int
        var policyMaximum: Int

        func clamp(_ replicas: Int) -> Int { min(max(replicas, floor), ceiling) }

        var limitWords: String {
            if partitions > 0 && ceiling == partitions && partitions < policyMaximum { return "\(partitions) partitions" }
            if ceiling < min(policyMaximum, partitions) {
                return "maximum \(policyMaximum): \(ceiling) do as much on \(partitions) partitions"
            }
            return "maximum \(ceiling)"
        }
    }

    private struct Recommendation {
        var replicas: Int
        var reason: ScalingReason
    }

    private struct Choice {
        var desired: Int
        var reason: ScalingReason
        var words: String
    }

    /// The count the stage should run, within bounds, before step limits and stabilization.
    private func recommend(
        current: Int, modelReplicas: Int?, required: Double, estimates: LagEstimates, bounds: Bounds,
        policy: GroupProperties.ScalingPolicy, settled: Bool
    ) -> Recommendation {
        let backlog = Double(estimates.lag) > backlogThreshold(for: estimates)
        let rising = isRising(estimates)
        guard let modelReplicas, let rate = estimates.perReplicaRate else {
            if rising && settled && current < bounds.ceiling {
                return .init(
                    replicas: min(scaleOutLimit(from: current, policy: policy), bounds.ceiling), reason: .coldStart)
            }
            // No input and no lag need no capacity: the minimum does, whatever a replica handles.
            if required <= 0, current > bounds.floor { return .init(replicas: bounds.floor, reason: .overProvisioned) }
            return .init(replicas: bounds.clamp(current), reason: .rateUnknown)
        }
        let replicas = bounds.clamp(modelReplicas)
        // A rate the workers reported is their true capacity: lag rising while it suffices is
        // a pause (a rebalance, a slow commit), which one more replica would only lengthen.
        if backlog && rising && settled && replicas <= current && current < bounds.ceiling,
            estimates.perReplicaRateSource != .reported
        {
            return .init(replicas: current + 1, reason: .lagRising)
        }
        let capacity = Self.capacity(of: current, rate: rate, partitions: bounds.partitions)
        if replicas > current && required <= capacity * (1 + max(configuration.scaleOutTolerance, 0)) {
            return .init(replicas: current, reason: .balanced)
        }
        let inflowNeed = estimates.inputRate / min(max(configuration.targetUtilization, 0.05), 1)
        return .init(replicas: replicas, reason: inflowNeed > capacity ? .inflowExceedsCapacity : .catchingUp)
    }

    private func choose(
        input: StageScalingInput, current: Int, recommendation: Recommendation, modelReplicas: Int?,
        bounds: Bounds, policy: GroupProperties.ScalingPolicy
    ) -> Choice {
        let estimates = input.estimates
        let recommended = recommendation.replicas
        if current < bounds.floor {
            let desired = max(bounds.floor, recommended)
            return .init(
                desired: desired, reason: .belowMinimum,
                words: "scaled \(current) -> \(desired) (minimum \(bounds.floor))")
        }
        if current > bounds.ceiling {
            return .init(
                desired: bounds.ceiling, reason: .aboveMaximum,
                words: "scaled \(current) -> \(bounds.ceiling) (\(bounds.limitWords))")
        }
        if current == 0 {
            guard estimates.lag > configuration.activationLagThreshold || estimates.inputRate > 0 else {
                return .init(desired: 0, reason: .idle, words: "holding 0 (idle)")
            }
            let desired = max(1, min(recommended, scaleOutLimit(from: 1, policy: policy)))
            return .init(desired: desired, reason: .activation, words: "scaled 0 -> \(desired) (work arrived)")
        }
        if recommended > current {
            return scaleOut(
                current: current, recommendation: recommendation, modelReplicas: modelReplicas, bounds: bounds,
                policy: policy)
        }
        if recommended < current {
            return scaleIn(input: input, current: current, recommended: recommended, bounds: bounds, policy: policy)
        }
        if let modelReplicas, modelReplicas > bounds.ceiling, current == bounds.ceiling {
            return .init(
                desired: current, reason: .atLimit,
                words: "holding \(current), needs \(modelReplicas): capped at \(bounds.limitWords)")
        }
        if recommendation.reason == .rateUnknown {
            return .init(desired: current, reason: .rateUnknown, words: "holding \(current) until capacity is measured")
        }
        return .init(desired: current, reason: .balanced, words: "holding \(current)")
    }

    private func scaleOut(
        current: Int, recommendation: Recommendation, modelReplicas: Int?, bounds: Bounds,
        policy: GroupProperties.ScalingPolicy
    ) -> Choice {
        let desired = min(recommendation.replicas, scaleOutLimit(from: current, policy: policy))
        var words = "scaled \(current) -> \(desired)"
        switch recommendation.reason {
        case .coldStart: words += " (cold start: capacity not measured yet)"
        case .lagRising: words += " (lag keeps rising at the estimated capacity)"
        default: break
        }
        if desired < recommendation.replicas { words += " (step limit, heading for \(recommendation.replicas))" }
        if let modelReplicas, modelReplicas > bounds.ceiling {
            words += " (needs \(modelReplicas), capped at \(bounds.limitWords))"
        }
        return .init(desired: desired, reason: recommendation.reason, words: words)
    }

    private func scaleIn(
        input: StageScalingInput, current: Int, recommended: Int, bounds: Bounds,
        policy: GroupProperties.ScalingPolicy
    ) -> Choice {
        let estimates = input.estimates
        if Double(estimates.lag) > backlogThreshold(for: estimates) || isRising(estimates) {
            return .init(
                desired: current, reason: .drainingBacklog,
                words: "holding \(current) while the backlog drains (\(recommended) would do)")
        }
        let window = configuration.scaleInStabilization ?? policy.scaleInStabilization
        let decisions = input.history.decisions.filter { $0.time <= input.now }
        var lowSince = input.now
        for decision in decisions.reversed() {
            guard decision.recommendedReplicas < current else { break }
            lowSince = decision.time
        }
        let elapsed = input.now - lowSince
        if elapsed < window {
            return .init(
                desired: current, reason: .stabilizing,
                words: "holding \(current), \(recommended) would do; scale-in waits "
                    + "\(CompactNumber.seconds(window - elapsed)) more (\(CompactNumber.seconds(window)) window)")
        }
        if let lastScaleIn = decisions.last(where: { $0.action == .scaleIn }),
            input.now - lastScaleIn.time < configuration.scaleInInterval
        {
            let wait = configuration.scaleInInterval - (input.now - lastScaleIn.time)
            return .init(
                desired: current, reason: .stabilizing,
                words:
                    "holding \(current), \(recommended) would do; next scale-in step in \(CompactNumber.seconds(wait))")
        }
        let windowStart = input.now - window
        let highestInWindow =
            decisions.filter { $0.time >= windowStart }.map(\.recommendedReplicas).max() ?? recommended
        // A rate the workers reported is their true capacity, so the recommendation can be
        // taken in one step (one rebalance); an inferred rate may be wrong, so it steps down.
        let largestStep =
            estimates.perReplicaRateSource == .reported
            ? current : max(1, Int(Double(current) * min(max(configuration.scaleInFraction, 0), 1)))
        let desired = max(max(recommended, highestInWindow), current - largestStep, bounds.floor)
        return .init(
            desired: desired, reason: .overProvisioned,
            words:
                "scaled \(current) -> \(desired) (\(recommended) enough for the whole \(CompactNumber.seconds(window)) window)"
        )
    }

    /// Most replicas one scale-out may reach from `current`: x scaleOutFactor, at least +1.
    private func scaleOutLimit(from current: Int, policy: GroupProperties.ScalingPolicy) -> Int {
        max(current + 1, Int((Double(current) * policy.scaleOutFactor).rounded(.up)))
    }

    /// Lag grows fast enough to become a backlog within the catch-up target.
    private func isRising(_ estimates: LagEstimates) -> Bool {
        estimates.lagTrend > 0 && estimates.lag > configuration.activationLagThreshold
            && estimates.lagTrend * configuration.catchUpTarget.inSeconds > backlogThreshold(for: estimates)
    }

    /// "inflow 5.2k/s > capacity 3.9k/s with 3 replicas, lag 41k rising"
    private func situation(_ estimates: LagEstimates, current: Int, partitions: Int) -> String {
        let replicas = current == 1 ? "1 replica" : "\(current) replicas"
        var inflow = "inflow \(CompactNumber.format(estimates.inputRate))/s"
        if estimates.lastingInputRate < estimates.inputRate {
            inflow += " (upstream catching up; lasting \(CompactNumber.format(estimates.lastingInputRate))/s)"
        }
        let noise = max(1, 0.02 * estimates.inputRate)
        let trend = estimates.lagTrend > noise ? " rising" : estimates.lagTrend < -noise ? " falling" : ""
        let lag = "lag \(CompactNumber.format(estimates.lag))\(trend)"
        guard let rate = estimates.perReplicaRate else {
            return "\(inflow), capacity unknown with \(replicas), \(lag)"
        }
        let capacity = Self.capacity(of: current, rate: rate, partitions: partitions)
        let relation = estimates.inputRate > capacity ? ">" : estimates.inputRate < capacity ? "<" : "="
        return "\(inflow) \(relation) capacity \(CompactNumber.format(capacity))/s with \(replicas), \(lag)"
    }
}
