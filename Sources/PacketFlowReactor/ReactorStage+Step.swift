import PacketFlowCore

extension ReactorStage {
    /// What the service saw of the stage in one sampling round.
    public struct Observation: Sendable {
        /// The round's time, as an offset from the reactor's start; rounds' times increase.
        public var time: Duration
        /// The wall clock in milliseconds since the epoch (load reports carry wall time).
        public var wallMilliseconds: Int64
        /// Workers of the stage running (or starting) now.
        public var running: Int
        /// The stage's partitions' offsets.
        public var partitions: [PartitionLagSample]
        /// Worker restarts in the scaler's recent period.
        public var restarts: Int
        /// Workers of the stage that keep exiting soon after they start (the scaler restarts
        /// them with a growing backoff).
        public var crashLooping: Int
        /// Dead letters the stage has written in all, once the molecule's dead-letter topic was
        /// read to its end; nil until then.
        public var deadLetters: Int64?
        /// Why the stage is paused, nil when it is not.
        public var pausedReason: String?
        /// The molecule's stages that are paused (reactions to them wait for a resume).
        public var pausedStages: Set<String>
        /// When the stage, or the one feeding it, was last resumed: dead letters before it are
        /// no longer a storm.
        public var resumedAt: Duration?
        /// What the stages feeding this one pass on in steady state
        /// (``LagEstimates/sustainedInputRate``), nil when unknown.
        public var sustainedInputRate: Double?

        /// Creates an observation.
        public init(
            time: Duration, wallMilliseconds: Int64, running: Int, partitions: [PartitionLagSample], restarts: Int = 0,
            crashLooping: Int = 0, deadLetters: Int64? = nil, pausedReason: String? = nil, pausedStages: Set<String> = [], resumedAt: Duration? = nil,
            sustainedInputRate: Double? = nil
        ) {
            self.time = time
            self.wallMilliseconds = wallMilliseconds
            self.running = running
            self.partitions = partitions
            self.restarts = restarts
            self.crashLooping = crashLooping
            self.deadLetters = deadLetters
            self.pausedReason = pausedReason
            self.pausedStages = pausedStages
            self.resumedAt = resumedAt
            self.sustainedInputRate = sustainedInputRate
        }
    }

    /// Something the service carries out after a step, in the order given.
    public enum Effect: Sendable, Hashable {
        /// The autoscaler decided (for the decision counter); `changed` when it moved the target.
        case decided(ScalingDecision, changed: Bool)
        /// A healing reaction to carry out as far as the effects below say, and to publish.
        case reacted(HealingReaction)
        /// Pause the stage `target` of the molecule, for `reason`.
        case pause(target: String, reason: String)
        /// Restart the stage's workers.
        case restartWorkers
        /// Run this many workers of the stage.
        case scale(to: Int)
    }

    /// One sampling round: takes in the observation, decides the replicas (unless a manual
    /// override or a pause holds the stage), judges health and picks the reactions due; returns
    /// what to carry out.
    public mutating func step(_ observation: Observation) -> [Effect] {
        let time = observation.time
        let running = observation.running
        forgetStaleLoads(nowMilliseconds: observation.wallMilliseconds)
        if runningSince == nil || running != lastRunning {
            runningSince = time
            lastRunning = running
        }
        window.reportedPerReplicaRate = reportedCapacity
        window.append(StageSample(time: time, readyReplicas: readyReplicas(running: running, at: time), partitions: observation.partitions))
        restarts = observation.restarts
        sustainedInputRate = observation.sustainedInputRate
        if let count = observation.deadLetters {
            deadLetterSeries.append((time, count))
            deadLetterSeries.removeAll { $0.time < time - rules.deadLetterWindow }
        }

        var effects: [Effect] = []
        var scaleTo: Int?
        if manual == nil, observation.pausedReason == nil {
            var decision = rules.autoscaler.decide(scalingInput(now: time, running: running))
            if observation.crashLooping > 0, decision.desiredReplicas > desired {
                // Workers that crash on start would crash in new slots too: no scale-out then.
                decision.reason = .crashLooping
                decision.explanation =
                    "\(name): workers keep exiting soon after they start (CRASHLOOP): holding \(desired), "
                    + "\(decision.desiredReplicas) wanted"
                decision.action = .hold
                decision.desiredReplicas = desired
            }
            history.record(decision)
            lastDecision = decision.explanation
            lastAction = decision.action.rawValue
            lastReason = decision.reason.rawValue
            let changed = decision.action != .hold || decision.desiredReplicas != desired
            effects.append(.decided(decision, changed: changed))
            if changed {
                desired = decision.desiredReplicas
                scaleTo = desired
            }
        } else if running != desired {
            scaleTo = desired
        }

        let verdict = rules.health.evaluate(
            StageHealthInput(
                stage: name, group: group, upstreamStage: upstream, samples: window.samples, runningReplicas: running,
                deadLetteredLastMinute: deadLettered(since: observation.resumedAt), restarts: restarts,
                crashLooping: observation.crashLooping, now: time))
        self.verdict = verdict
        var restart = false
        var pause: (target: String, reason: String)?
        // A paused stage is neither restarted nor scaled for the lag its pause causes.
        for reaction in verdict.reactions where !observation.pausedStages.contains(reaction.target) {
            guard isDue(reaction, at: time, running: running) else { continue }
            reactedAt["\(reaction.action.rawValue) \(reaction.target)"] = time
            effects.append(.reacted(reaction))
            switch reaction.action {
            case .restartWorkers where reaction.target == name && running > 0:
                restart = true
            case .scaleOut where manual == nil && reaction.target == name:
                let ceiling = min(scalingInput(now: time, running: running).policy.maxReplicas, max(1, partitions))
                if desired < ceiling {
                    desired += 1
                    scaleTo = desired
                }
            case .pauseStage:
                pause = (reaction.target, "dead-letter storm in \(reaction.stage): \(reaction.reason)")
            default:
                break
            }
        }
        if let pause { effects.append(.pause(target: pause.target, reason: pause.reason)) }
        if restart { effects.append(.restartWorkers) }
        if let scaleTo { effects.append(.scale(to: scaleTo)) }
        return effects
    }

    /// Whether a reaction suggested now is carried out: not within the reaction interval of
    /// the same one, no restart of workers still joining, and no scale-out the workers' own
    /// figures contradict.
    private func isDue(_ reaction: HealingReaction, at time: Duration, running: Int) -> Bool {
        if let last = reactedAt["\(reaction.action.rawValue) \(reaction.target)"], time - last < rules.reactionInterval { return false }
        // Workers that just started (or whose group just rebalanced) commit nothing while
        // they join: that stall is not one a restart would cure.
        if reaction.action == .restartWorkers, time - (runningSince ?? time) < rules.restartGrace { return false }
        // Lag that does not fall says "add a replica" only while capacity is unknown and not
        // about to be told: once the workers report what they can do, the autoscaler sizes the
        // stage on that, and a lag that holds while workers join (each join pauses moving
        // partitions) is no shortage.
        if reaction.action == .scaleOut, reaction.target == name,
            window.estimates.perReplicaRateSource == .reported || awaitsCapacity(at: time)
        {
            return false
        }
        return true
    }

    /// Workers consuming now, as far as guesses about capacity go: with reports, those that
    /// reported (one still starting has not yet), and none while no report tells a capacity
    /// (idle workers tell none; the first busy interval, 2 s, will); before the first report,
    /// none for a while, then every running one (workers that do not report). The autoscaler
    /// makes no guess on a stage whose ready replicas fall short.
    private func readyReplicas(running: Int, at time: Duration) -> Int {
        if awaitsCapacity(at: time) { return 0 }
        return hasReports ? min(running, loads.count) : running
    }

    /// Forgets the reports of workers silent for longer than their lifetime (gone, or stuck:
    /// either way their figures no longer describe the stage).
    private mutating func forgetStaleLoads(nowMilliseconds now: Int64) {
        let oldest = now - Int64((rules.loadReportLifetime / .milliseconds(1)).rounded())
        loads = loads.filter { $0.value.reportedAtMilliseconds >= oldest }
        capacities = capacities.filter { loads[$0.key] != nil }
    }
}
