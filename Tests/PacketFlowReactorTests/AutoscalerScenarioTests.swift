import PacketFlowCore
import PacketFlowReactor
import Testing

@Suite("Autoscaler in a loop with a stage under load")
struct AutoscalerScenarioTests {
    /// DF stage, 12 partitions, 1,000 msg/s per replica: 500/s, then 4,000/s from 60 s to 360 s, then 500/s.
    static func stepLoad(until end: Int) -> ClosedLoop {
        var loop = ClosedLoop(group: .dataFlow, partitions: 12, perReplicaRate: 1_000, replicas: 1)
        loop.run(from: 0, to: end) { second in (60..<360).contains(second) ? 4_000 : 500 }
        return loop
    }

    @Test("A step load scales out within two decisions and settles where input fits at 70%")
    func stepLoadScalesOutFast() throws {
        let loop = Self.stepLoad(until: 360)
        let afterStep = loop.decisions.filter { $0.time > .seconds(60) }
        #expect(afterStep.prefix(2).contains { $0.action == .scaleOut })
        #expect(loop.decisions.filter { $0.time < .seconds(60) }.allSatisfy { $0.action == .hold })
        // 4,000/s at 70% of 1,000/s each needs 6 replicas; the lag is drained before the load drops.
        #expect(loop.replicas == 6)
        #expect(try #require(loop.lags.last) < 4_000 * 5)
        // The catch-up overshoot is given back once, after the window, and never taken again.
        let actions = loop.scaleEvents.map(\.action)
        #expect(actions.filter { $0 == .scaleIn }.count <= 1)
        #expect(actions.drop { $0 == .scaleOut }.allSatisfy { $0 == .scaleIn })
    }

    @Test("After the load drops it scales in only once the 30 s window has passed, and only down")
    func drainsThenScalesIn() throws {
        let loop = Self.stepLoad(until: 900)
        let scaleIns = loop.decisions.filter { $0.action == .scaleIn && $0.time > .seconds(360) }
        let first = try #require(scaleIns.first)
        #expect(first.time >= .seconds(360 + 30))
        #expect(loop.decisions.filter { $0.time > .seconds(360) }.allSatisfy { $0.action != .scaleOut })
        #expect(loop.replicas == 1)
    }

    @Test("A noisy load around a replica boundary does not flap out-in-out")
    func noFlapping() {
        var loop = ClosedLoop(
            group: .dataFlow, partitions: 12, perReplicaRate: 1_000, replicas: 3,
            configuration: .init(perReplicaRatePrior: 1_000))
        // 2,000/s give or take 40%, changing every 10 s: the model's count wanders between 2 and 4.
        let swings = [1.0, 1.3, 0.7, 1.4, 0.9, 0.6, 1.2, 1.0, 0.8, 1.35, 0.65, 1.1]
        let levels = (0..<120).map { 2_000 * swings[$0 % swings.count] }
        loop.run(from: 0, to: 1_200) { second in levels[second / 10] }
        #expect(Set(loop.decisions.map(\.recommendedReplicas)).count >= 3)
        let actions = loop.scaleEvents.map(\.action)
        let flips = zip(actions, actions.dropFirst()).filter { $0 != $1 }.count
        #expect(flips <= 1)
        #expect(loop.scaleEvents.count <= 4)
    }

    @Test("Scaling does not stall short of the maximum while lag keeps rising")
    func noStallShortOfMax() {
        // Each replica manages only 500/s but the prior claims 2,000/s: lag must still push to 12.
        var loop = ClosedLoop(
            group: .dataFlow, partitions: 12, perReplicaRate: 500, replicas: 1,
            configuration: .init(perReplicaRatePrior: 2_000))
        loop.run(from: 0, to: 240) { _ in 7_000 }
        #expect(loop.replicas == 12)
        #expect(loop.decisions.last?.reason == .atLimit)
    }

    @Test("CF never runs more replicas than partitions, however large the lag")
    func controlFlowCappedByPartitions() {
        var loop = ClosedLoop(group: .controlFlow, partitions: 4, perReplicaRate: 200, replicas: 1)
        loop.run(from: 0, to: 300) { _ in 5_000 }
        #expect(loop.decisions.allSatisfy { $0.desiredReplicas <= 4 })
        #expect(loop.replicas == 4)
        #expect(loop.decisions.last?.explanation.contains("capped at 4 partitions") == true)
    }

    @Test(
        "An idle, empty topic keeps each group's minimum and never scales up",
        arguments: [(PacketGroup.dataFlow, 1), (.eventDriven, 2), (.controlFlow, 1), (.collective, 1)])
    func emptyPartitions(group: PacketGroup, minimum: Int) {
        var loop = ClosedLoop(group: group, partitions: 6, perReplicaRate: 1_000, replicas: minimum)
        loop.run(from: 0, to: 600) { _ in 0 }
        #expect(loop.decisions.allSatisfy { $0.action == .hold && $0.desiredReplicas == minimum })
    }

    @Test("A group that never committed, over a retained backlog, scales to drain it (KEDA's -1 case)")
    func neverCommittedBacklog() {
        var window = LagWindow(configuration: .init(perReplicaRatePrior: 1_000))
        for second in stride(from: 0, through: 8, by: 2) {
            window.append(
                SampleFixtures.sample(
                    at: second, replicas: 1, Array(repeating: (low: 5_000, high: 20_000, committed: -1), count: 4)))
        }
        let decision = Autoscaler().decide(
            StageScalingInput(
                stage: "Late", group: .dataFlow, partitions: 4, currentReplicas: 1, estimates: window.estimates,
                now: .seconds(8)))
        #expect(decision.inputs.estimates.lag == 60_000)
        #expect(decision.action == .scaleOut)
        #expect(decision.desiredReplicas == 2)
    }
}
