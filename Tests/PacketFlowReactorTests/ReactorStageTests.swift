import PacketFlowCore
import PacketFlowReactor
import Testing

/// The reactor's per-stage step as a pure function: observations in, effects out, no fakes.
@Suite("The reactor's decision step")
struct ReactorStageTests {
    static func stage(_ group: PacketGroup = .dataFlow, partitions: Int = 12, desired: Int = 1, upstream: String? = nil) -> ReactorStage {
        ReactorStage(
            name: "Compute", group: group, declaredMinReplicas: nil, declaredMaxReplicas: nil, partitions: partitions,
            upstream: upstream, rules: .init(autoscaler: Autoscaler(), health: StageHealth()), desired: desired)
    }

    /// Offsets at `second` of a stage fed `input` packets a second and handling `handled`, from 0.
    static func observe(
        at second: Int, running: Int, input: Double, handled: Double, partitions: Int = 12, deadLetters: Int64? = 0,
        paused: String? = nil, pausedStages: Set<String> = [], restarts: Int = 0, crashLooping: Int = 0
    ) -> ReactorStage.Observation {
        let produced = Int64(input * Double(second)) / Int64(partitions)
        let consumed = Int64(handled * Double(second)) / Int64(partitions)
        return ReactorStage.Observation(
            time: .seconds(second), wallMilliseconds: 1_000_000 + Int64(second) * 1_000, running: running,
            partitions: (0..<partitions).map {
                PartitionLagSample(partition: Int32($0), lowWatermark: 0, highWatermark: produced, committedOffset: min(consumed, produced))
            },
            restarts: restarts, crashLooping: crashLooping, deadLetters: deadLetters, pausedReason: paused,
            pausedStages: pausedStages)
    }

    /// A worker's report at `second`: `rate` packets per busy second, busy `busy` of the interval.
    static func report(_ worker: String, at second: Int, rate: Double, busy: Double = 1) -> WorkerLoadReport {
        WorkerLoadReport(
            molecule: "M", stage: "Compute", worker: worker, intervalMilliseconds: 2_000, packetsIn: Int(rate * 2 * busy),
            packetsOut: Int(rate * 2 * busy), busyMilliseconds: 2_000 * busy, inFlight: 10,
            reportedAtMilliseconds: 1_000_000 + Int64(second) * 1_000)
    }

    static func scales(_ effects: [ReactorStage.Effect]) -> [Int] {
        effects.compactMap { if case .scale(let replicas) = $0 { replicas } else { nil } }
    }

    @Test("workers about to report their first load get no guess: rising lag waits for their capacity, then sizes on it")
    func noColdStartBeforeReports() {
        var stage = Self.stage()
        // 1 replica, lag rising at 300/s, no report yet (workers report 2 s after they start).
        for second in stride(from: 2, through: 8, by: 2) {
            let effects = stage.step(Self.observe(at: second, running: 1, input: 300, handled: 0))
            #expect(Self.scales(effects).isEmpty, "scaled at \(second) s before any report: \(stage.lastDecision ?? "")")
        }
        // The worker reports 100/s when busy: the model sizes 300/s / 0.7 plus the backlog on that.
        stage.record(Self.report("w1", at: 9, rate: 100))
        let effects = stage.step(Self.observe(at: 10, running: 1, input: 300, handled: 100))
        #expect(Self.scales(effects).first.map { $0 > 1 } == true, "\(stage.lastDecision ?? "")")
        #expect(stage.window.estimates.perReplicaRateSource == .reported)
    }

    @Test("a crash-looping stage is not scaled out, however its lag grows: new workers would crash too")
    func noScaleOutWhileCrashLooping() {
        var stage = Self.stage()
        stage.record(Self.report("w1", at: 1, rate: 100))
        var effects: [ReactorStage.Effect] = []
        for second in stride(from: 2, through: 10, by: 2) {
            stage.record(Self.report("w1", at: second - 1, rate: 100))
            effects += stage.step(Self.observe(at: second, running: 1, input: 300, handled: 50, crashLooping: 1))
        }
        #expect(Self.scales(effects).isEmpty, "\(stage.lastDecision ?? "")")
        #expect(stage.lastReason == "crash-looping")
        #expect(stage.lastDecision?.contains("CRASHLOOP") == true)

        // The loop over, the same lag scales the stage out.
        stage.record(Self.report("w1", at: 11, rate: 100))
        let after = stage.step(Self.observe(at: 12, running: 1, input: 300, handled: 50))
        #expect(Self.scales(after).first.map { $0 > 1 } == true, "\(stage.lastDecision ?? "")")
    }

    @Test("workers that never report: after the grace, rising lag takes one cold-start step")
    func coldStartWithoutReports() {
        var stage = Self.stage()
        var scaled: [Int] = []
        for second in stride(from: 2, through: 14, by: 2) {
            scaled += Self.scales(stage.step(Self.observe(at: second, running: scaled.last ?? 1, input: 300, handled: 0)))
        }
        #expect(scaled == [2], "one step, after the 10 s grace: \(scaled)")
        #expect(stage.lastReason != nil)
    }

    @Test("a manual override pins the stage: no decision, and it is scaled back to the pin")
    func manualOverride() {
        var stage = Self.stage()
        let (words, desired) = stage.obey(replicas: 40)
        #expect(desired == 12)
        #expect(words.contains("capped at 12 partitions"))
        let effects = stage.step(Self.observe(at: 2, running: 5, input: 10_000, handled: 0))
        #expect(!effects.contains { if case .decided = $0 { true } else { false } })
        #expect(Self.scales(effects) == [12])
        _ = stage.obey(replicas: nil)
        #expect(stage.manual == nil)
    }

    @Test("a paused stage is not autoscaled and gets no reaction; a stall of a running stage restarts it only after the grace")
    func pausedAndStalled() {
        var paused = Self.stage()
        for second in stride(from: 2, through: 60, by: 2) {
            let effects = paused.step(Self.observe(at: second, running: 1, input: 100, handled: 0, paused: "by hand", pausedStages: ["Compute"]))
            #expect(effects.isEmpty, "\(effects)")
        }
        // Offsets stuck with lag: the restart waits until the worker count held for the grace (30 s).
        var stalled = Self.stage()
        var restarts: [Int] = []
        for second in stride(from: 2, through: 60, by: 2) {
            let effects = stalled.step(Self.observe(at: 0, running: 1, input: 0, handled: 0).with(time: second, lag: 500))
            if effects.contains(.restartWorkers) { restarts.append(second) }
        }
        #expect(restarts.first.map { $0 >= 30 } == true, "restarts at \(restarts)")
        #expect(restarts.count == 1 || restarts.dropFirst().allSatisfy { $0 - restarts[0] >= 30 }, "repeated within 30 s: \(restarts)")
    }

    @Test("lag that does not fall adds a replica only while capacity is unknown; with reports that suffice it does not")
    func healthScaleOutNeedsUnknownCapacity() {
        var stage = Self.stage(desired: 2)
        var scaled: [Int] = []
        for second in stride(from: 2, through: 40, by: 2) {
            stage.record(Self.report("w1", at: second - 1, rate: 1_000, busy: 0.1))
            stage.record(Self.report("w2", at: second - 1, rate: 1_000, busy: 0.1))
            // Lag holds at 600 (a rebalance pause), input 100/s handled.
            scaled += Self.scales(stage.step(Self.observe(at: 0, running: 2, input: 0, handled: 0).with(time: second, lag: 600, moving: true)))
        }
        #expect(!scaled.contains { $0 > 2 }, "scaled out on a pause: \(scaled) \(stage.lastDecision ?? "")")
    }

    @Test("a dead-letter storm pauses the stage upstream, once")
    func stormPausesUpstream() {
        var stage = Self.stage(upstream: "Validate")
        var pauses: [String] = []
        for (index, second) in stride(from: 2, through: 20, by: 2).enumerated() {
            let effects = stage.step(Self.observe(at: second, running: 1, input: 100, handled: 100, deadLetters: Int64(index * 60)))
            for case .pause(let target, let reason) in effects {
                pauses.append(target)
                #expect(reason.contains("dead-letter storm"))
            }
        }
        #expect(pauses == ["Validate"])
    }

    @Test("reports of a worker silent for longer than their lifetime no longer count")
    func staleReports() {
        var stage = Self.stage()
        stage.record(Self.report("w1", at: 1, rate: 100))
        _ = stage.step(Self.observe(at: 2, running: 1, input: 50, handled: 50))
        #expect(stage.loads.count == 1)
        _ = stage.step(Self.observe(at: 20, running: 1, input: 50, handled: 50))
        #expect(stage.loads.isEmpty)
        #expect(stage.reportedCapacity == nil)
    }
}

extension ReactorStage.Observation {
    /// This observation at `second` with every partition lagging `lag` behind a high watermark
    /// that moves (when `moving`) or not.
    func with(time second: Int, lag: Int64, moving: Bool = false) -> ReactorStage.Observation {
        var copy = self
        copy.time = .seconds(second)
        copy.wallMilliseconds = 1_000_000 + Int64(second) * 1_000
        let high = moving ? Int64(second) * 100 + lag : 10_000
        copy.partitions = partitions.map {
            PartitionLagSample(partition: $0.partition, lowWatermark: 0, highWatermark: high, committedOffset: high - lag / Int64(partitions.count))
        }
        return copy
    }
}
