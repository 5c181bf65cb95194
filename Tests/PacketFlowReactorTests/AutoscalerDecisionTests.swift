import PacketFlowCore
import PacketFlowReactor
import Testing

@Suite("Autoscaler: one decision from (rates, lag, replicas, history)")
struct AutoscalerDecisionTests {
    let autoscaler = Autoscaler()

    @Test(
        "Required capacity = input / 0.7 + lag / 30 s",
        arguments: [(700.0, Int64(0), 1_000.0), (0, 30_000, 1_000), (3_500, 60_000, 7_000)])
    func requiredCapacity(input: Double, lag: Int64, expected: Double) {
        let estimates = SampleFixtures.estimates(lag: lag, input: input, perReplica: nil)
        #expect(abs(autoscaler.requiredCapacity(for: estimates) - expected) < 1e-9)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var group: PacketGroup
        var partitions = 12
        var current: Int
        var lag: Int64 = 0
        var input: Double = 0
        var trend: Double = 0
        var perReplica: Double?
        var source: LagEstimates.RateSource?
        var declaredMin: Int?
        var declaredMax: Int?
        var action: ScalingDecision.Action
        var desired: Int
        var reason: ScalingReason
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "step load on DF: out at once, at most x2", group: .dataFlow, current: 3, lag: 41_000,
            input: 5_200, trend: 2_000, perReplica: 1_300, action: .scaleOut, desired: 6, reason: .inflowExceedsCapacity
        ),
        Case(
            name: "input fits but the backlog needs more", group: .dataFlow, current: 2, lag: 90_000,
            input: 700, trend: -10, perReplica: 1_000, action: .scaleOut, desired: 4, reason: .catchingUp),
        Case(
            name: "CF capped by its 6 partitions", group: .controlFlow, partitions: 6, current: 4, lag: 100_000,
            input: 20_000, trend: 5_000, perReplica: 1_000, action: .scaleOut, desired: 6,
            reason: .inflowExceedsCapacity),
        Case(
            name: "CF at its partitions holds", group: .controlFlow, partitions: 6, current: 6, lag: 100_000,
            input: 20_000, trend: 5_000, perReplica: 1_000, action: .hold, desired: 6, reason: .atLimit),
        Case(
            name: "a declared maximum of 5 on 12 partitions is 4: the fifth worker adds nothing", group: .dataFlow,
            current: 4, lag: 100_000, input: 20_000, trend: 5_000, perReplica: 1_000, declaredMax: 5, action: .hold,
            desired: 4, reason: .atLimit),
        Case(
            name: "at a declared maximum of 7 on 12 partitions, 7 scale in to 6, which do as much", group: .dataFlow,
            current: 7, lag: 100_000, input: 20_000, trend: 5_000, perReplica: 1_000, declaredMax: 7, action: .scaleIn,
            desired: 6, reason: .aboveMaximum),
        Case(
            name: "CO stays at one replica", group: .collective, partitions: 3, current: 1, lag: 50_000,
            input: 5_000, trend: 2_000, perReplica: 1_000, action: .hold, desired: 1, reason: .atLimit),
        Case(
            name: "CO declared to 3 grows one at a time", group: .collective, partitions: 3, current: 1, lag: 50_000,
            input: 5_000, trend: 2_000, perReplica: 1_000, declaredMax: 3, action: .scaleOut, desired: 2,
            reason: .inflowExceedsCapacity),
        Case(
            name: "RM stays at one replica", group: .resourceManagement, partitions: 3, current: 1, lag: 9_000,
            input: 3_000, trend: 500, perReplica: 1_000, action: .hold, desired: 1, reason: .atLimit),
        Case(
            name: "ED keeps two warm when idle", group: .eventDriven, partitions: 6, current: 2,
            perReplica: 1_000, action: .hold, desired: 2, reason: .balanced),
        Case(
            name: "ED below its warm minimum", group: .eventDriven, partitions: 6, current: 1,
            perReplica: 1_000, action: .scaleOut, desired: 2, reason: .belowMinimum),
        Case(
            name: "empty topic, nothing measured: keeps the minimum", group: .dataFlow, current: 1,
            action: .hold, desired: 1, reason: .rateUnknown),
        Case(
            name: "cold start: unknown capacity, lag rising", group: .dataFlow, current: 1, lag: 6_000,
            input: 4_000, trend: 3_000, action: .scaleOut, desired: 2, reason: .coldStart),
        Case(
            name: "unknown capacity, small steady lag: hold", group: .dataFlow, current: 1, lag: 50,
            input: 300, action: .hold, desired: 1, reason: .rateUnknown),
        Case(
            name: "declared maximum below current: down at once", group: .dataFlow, current: 6, lag: 1_000,
            input: 3_000, perReplica: 1_000, declaredMax: 4, action: .scaleIn, desired: 4, reason: .aboveMaximum),
        Case(
            name: "lag rising although the estimate says enough: one more", group: .dataFlow, current: 5,
            lag: 30_000, input: 4_000, trend: 1_000, perReplica: 2_000, action: .scaleOut, desired: 6,
            reason: .lagRising),
        Case(
            name: "lag rising but the workers report enough capacity: a pause, not a shortage", group: .dataFlow,
            current: 5, lag: 30_000, input: 4_000, trend: 1_000, perReplica: 2_000, source: .reported,
            action: .hold, desired: 5, reason: .drainingBacklog),
        Case(
            name: "declared minimum 0, idle: stays at zero", group: .dataFlow, current: 0, declaredMin: 0,
            action: .hold, desired: 0, reason: .idle),
        Case(
            name: "declared minimum 0, work arrives: starts", group: .dataFlow, current: 0, lag: 500, input: 100,
            declaredMin: 0, action: .scaleOut, desired: 1, reason: .activation),
        Case(
            name: "fewer would do but the backlog drains: hold", group: .dataFlow, current: 8, lag: 20_000,
            input: 500, trend: -3_000, perReplica: 1_000, action: .hold, desired: 8, reason: .drainingBacklog),
        Case(
            name: "fewer would do, no history yet: stabilizing", group: .dataFlow, current: 8, lag: 10,
            input: 500, perReplica: 1_000, action: .hold, desired: 8, reason: .stabilizing),
    ]

    @Test("Decision table", arguments: cases)
    func decision(_ example: Case) {
        let decision = autoscaler.decide(input(example))
        #expect(decision.action == example.action)
        #expect(decision.desiredReplicas == example.desired)
        #expect(decision.reason == example.reason)
    }

    @Test(
        "Replicas count only where they add capacity: the busiest worker owns ceil(partitions / n) partitions",
        arguments: [(400.0, 6), (600.0, 12), (150.0, 3)])
    func partitionAlignedReplicas(input: Double, expected: Int) {
        // 9 workers on 12 partitions: three own two, so the stage handles what 6 handle.
        #expect(Autoscaler.capacity(of: 9, rate: 100, partitions: 12) == 600)
        #expect(Autoscaler.capacity(of: 6, rate: 100, partitions: 12) == 600)
        #expect(Autoscaler.capacity(of: 20, rate: 100, partitions: 12) == 1_200)
        #expect(Autoscaler.capacity(of: 3, rate: 100, partitions: 0) == 300)
        // 100/s a worker, input at 70%: 400/s needs 572/s (6: 600), 600/s needs 858/s (7 to 11
        // handle only 600, so 12), 150/s needs 215/s (3: 300).
        let decision = autoscaler.decide(
            StageScalingInput(
                stage: "Compute", group: .dataFlow, partitions: 12, currentReplicas: 2,
                estimates: SampleFixtures.estimates(lag: 0, input: input, perReplica: 100, source: .reported, ready: 2),
                history: ScalingHistory(), now: .seconds(10)))
        #expect(decision.inputs.modelReplicas == expected)
    }

    @Test("A stage downstream of one catching up is sized for what the source sends, not for the burst (the dev trace)")
    func upstreamCatchUp() {
        // make dev: ComputePacket (91/s a worker, 12 partitions) read 230/s for two intervals
        // while ValidatePacket drained the backlog of its start; the source sends 150/s.
        var estimates = SampleFixtures.estimates(lag: 300, input: 230, trend: 20, perReplica: 91, source: .reported, ready: 2)
        func decide() -> ScalingDecision {
            autoscaler.decide(
                StageScalingInput(
                    stage: "ComputePacket", group: .dataFlow, partitions: 12, currentReplicas: 2, estimates: estimates,
                    history: ScalingHistory(), now: .seconds(10)))
        }
        #expect(decide().desiredReplicas == 4, "without the upstream's rate the burst looks lasting")
        estimates.sustainedInputRate = 150
        let decision = decide()
        // 150/s at 70% plus the lag within 30 s: 224/s, which 3 workers (273/s) cover.
        #expect(decision.desiredReplicas == 3)
        #expect(decision.explanation.contains("upstream catching up; lasting 150/s"), "\(decision.explanation)")
        // A lasting rise at the source lifts the sustained rate too: then the stage grows.
        estimates.sustainedInputRate = 400
        #expect(decide().desiredReplicas == 4)
    }

    @Test("The reason reads as the chemical imbalance in status")
    func explanation() {
        let decision = autoscaler.decide(input(Self.cases[0], stage: "ComputePacket"))
        #expect(
            decision.explanation
                == "ComputePacket: inflow 5.2k/s > capacity 3.9k/s with 3 replicas, lag 41k rising: "
                + "scaled 3 -> 6 (step limit, heading for 12)")
        #expect(decision.inputs.modelReplicas == 12)  // 7 would handle what 6 do on 12 partitions
        #expect(decision.inputs.maxReplicas == 12)
    }

    @Test(
        "Scale-in waits for the whole stabilization window of lower recommendations, then steps down (by half with a rate inferred from lag, at once with one the workers report)",
        arguments: [(LagEstimates.RateSource.measured, 4), (.reported, 2)])
    func stabilizationWindow(source: LagEstimates.RateSource, afterStep: Int) {
        // DF: 30 s window. Recommendations of 2 since t = 100 s; 8 replicas run.
        var history = ScalingHistory()
        history.record(decision(at: 90, recommended: 8))
        for second in stride(from: 100, through: 128, by: 2) { history.record(decision(at: second, recommended: 2)) }
        func decide(replicas: Int, at second: Int) -> ScalingDecision {
            autoscaler.decide(
                StageScalingInput(
                    stage: "Compute", group: .dataFlow, partitions: 12, currentReplicas: replicas,
                    estimates: SampleFixtures.estimates(lag: 10, input: 1_000, perReplica: 1_000, source: source, ready: replicas),
                    history: history, now: .seconds(second)))
        }
        let early = decide(replicas: 8, at: 128)
        #expect(early.action == .hold)
        #expect(early.reason == .stabilizing)
        #expect(early.explanation.hasSuffix("holding 8, 2 would do; scale-in waits 2 s more (30 s window)"))

        history.record(early)
        let due = decide(replicas: 8, at: 130)
        #expect(due.action == .scaleIn)
        #expect(due.desiredReplicas == afterStep)

        history.record(due)
        let tooSoon = decide(replicas: afterStep, at: 140)
        #expect(tooSoon.action == .hold)
    }

    @Test(
        "A configured stabilization window replaces the group's",
        arguments: [(Duration.seconds(10), ScalingDecision.Action.scaleIn), (.seconds(60), .hold)])
    func configuredStabilizationWindow(window: Duration, expected: ScalingDecision.Action) {
        // DF's own window is 30 s; recommendations of 2 for the last 30 s.
        var history = ScalingHistory()
        history.record(decision(at: 90, recommended: 8))
        for second in stride(from: 100, through: 128, by: 2) { history.record(decision(at: second, recommended: 2)) }
        let configured = Autoscaler(configuration: AutoscalerConfiguration(scaleInStabilization: window))
        let result = configured.decide(
            StageScalingInput(
                stage: "Compute", group: .dataFlow, partitions: 12, currentReplicas: 8,
                estimates: SampleFixtures.estimates(lag: 10, input: 1_000, perReplica: 1_000, ready: 8),
                history: history, now: .seconds(130)))
        #expect(result.action == expected)
        if expected == .hold {
            #expect(result.explanation.hasSuffix("scale-in waits 30 s more (60 s window)"))
        }
    }

    @Test("An idle stage whose capacity was never measured still scales in after the window")
    func idleWithUnknownCapacity() {
        var history = ScalingHistory()
        func decide(at second: Int) -> ScalingDecision {
            autoscaler.decide(
                StageScalingInput(
                    stage: "Compute", group: .dataFlow, partitions: 4, currentReplicas: 4,
                    estimates: SampleFixtures.estimates(lag: 0, input: 0, perReplica: nil, ready: 4),
                    history: history, now: .seconds(second)))
        }
        for second in stride(from: 0, to: 30, by: 2) {
            let hold = decide(at: second)
            #expect(hold.action == .hold)
            #expect(hold.recommendedReplicas == 1)
            history.record(hold)
        }
        let due = decide(at: 30)
        #expect(due.action == .scaleIn)
        #expect(due.desiredReplicas == 2)
    }

    @Test("The history keeps its retention behind the newest decision")
    func historyRetention() {
        var history = ScalingHistory(retention: .seconds(600))
        for second in stride(from: 0, through: 1_000, by: 2) { history.record(decision(at: second, recommended: 2)) }
        #expect(history.decisions.first?.time == .seconds(400))
        #expect(history.last?.time == .seconds(1_000))
        #expect(history.lastScaleEvent == nil)
    }

    private func decision(at second: Int, recommended: Int) -> ScalingDecision {
        ScalingDecision(
            stage: "Compute", group: .dataFlow, time: .seconds(second), action: .hold, currentReplicas: 8,
            desiredReplicas: 8, recommendedReplicas: recommended, reason: .stabilizing, explanation: "",
            inputs: .init(
                estimates: SampleFixtures.estimates(lag: 0, input: 1_000, perReplica: 1_000), requiredCapacity: 1_429,
                modelReplicas: recommended, minReplicas: 1, maxReplicas: 12, partitions: 12))
    }

    private func input(_ example: Case, stage: String = "Stage") -> StageScalingInput {
        StageScalingInput(
            stage: stage, group: example.group, declaredMinReplicas: example.declaredMin,
            declaredMaxReplicas: example.declaredMax, partitions: example.partitions, currentReplicas: example.current,
            estimates: SampleFixtures.estimates(
                lag: example.lag, input: example.input, trend: example.trend, perReplica: example.perReplica,
                source: example.source, ready: example.current, partitions: example.partitions),
            now: .seconds(600))
    }
}
