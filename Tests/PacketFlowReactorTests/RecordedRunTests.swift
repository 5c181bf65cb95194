import Foundation
import PacketFlowCore
import PacketFlowReactor
import Testing

/// The model replayed on what the reactor observed in a real run: the step load of
/// Benchmarks/autoscaling/real (a DF stage whose exec handler costs 10 ms a packet, 100/s,
/// then 600/s from 30 s to 150 s, then 100/s, on real `packetflow worker` processes), recorded
/// second by second in Benchmarks/autoscaling/results/real/reactor-observations.csv.
///
/// Open loop: the lag and rates are those of the real run, whatever the replay decides, so
/// these tests check the decisions the model takes on real measurements (rates reported by
/// real workers, lag bumps of real rebalances), not how the lag would have answered them.
@Suite("The model on a recorded real run")
struct RecordedRunTests {
    /// One second of the run as the reactor's status showed it.
    struct Observation {
        var second: Int
        var lag: Int64
        var inputRate: Double
        var processingRate: Double
        var perReplicaRate: Double?
        var source: LagEstimates.RateSource
    }

    static let stepStart = 30
    static let stepEnd = 150

    static func observations() throws -> [Observation] {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appending(path: "Benchmarks/autoscaling/results/real/reactor-observations.csv")
        let rows = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").dropFirst()
        var seen = Set<Int>()
        return rows.compactMap { row in
            let fields = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 8, let second = Int(fields[0]), seen.insert(second).inserted else { return nil }
            return Observation(
                second: second, lag: Int64(fields[3]) ?? 0, inputRate: Double(fields[4]) ?? 0,
                processingRate: Double(fields[5]) ?? 0, perReplicaRate: Double(fields[6]),
                source: LagEstimates.RateSource(rawValue: fields[7]) ?? .unknown)
        }
    }

    /// The replay: one decision per sampling interval (2 s), each applied at once.
    struct Replay {
        var decisions: [ScalingDecision] = []
        /// Replicas during each second of the run.
        var replicas: [Int] = []

        init(_ observations: [Observation], partitions: Int = 12) {
            let autoscaler = Autoscaler()
            var history = ScalingHistory()
            var current = 1
            let span = autoscaler.configuration.rateSpan * 2
            for (index, observation) in observations.enumerated() {
                if observation.second % 2 == 0 {
                    let earlier = observations[max(0, index - span)]
                    let trend = Double(observation.lag - earlier.lag) / Double(max(1, observation.second - earlier.second))
                    let decision = autoscaler.decide(
                        StageScalingInput(
                            stage: "WorkPacket", group: .dataFlow, partitions: partitions, currentReplicas: current,
                            estimates: LagEstimates(
                                lag: observation.lag, inputRate: observation.inputRate,
                                processingRate: observation.processingRate, lagTrend: trend,
                                perReplicaRate: observation.perReplicaRate, perReplicaRateSource: observation.source,
                                readyReplicas: current, partitions: partitions),
                            history: history, now: .seconds(observation.second)))
                    history.record(decision)
                    decisions.append(decision)
                    current = decision.desiredReplicas
                }
                replicas.append(current)
            }
        }

        var scaleEvents: [ScalingDecision] { decisions.filter { $0.action != .hold } }
    }

    @Test("the workers report their capacity within seconds, and from then on the model sizes on it and never guesses")
    func measuredFromTheStart() throws {
        let observations = try Self.observations()
        try #require(observations.count >= 300, "the recorded run is missing or short")
        let firstReported = try #require(observations.first { $0.source == .reported })
        #expect(firstReported.second <= 10)
        #expect(observations.drop { $0.source != .reported }.allSatisfy { $0.source == .reported })
        let replay = Replay(observations)
        let sized = replay.decisions.filter { $0.time >= .seconds(firstReported.second) }
        #expect(sized.allSatisfy { $0.reason != .coldStart && $0.reason != .lagRising && $0.reason != .rateUnknown })
    }

    @Test("the step is met within two decisions, never beyond the partitions, and without flapping")
    func scalesOutOnceAndHolds() throws {
        let replay = Replay(try Self.observations())
        let firstOut = try #require(replay.scaleEvents.first { $0.time > .seconds(Self.stepStart) && $0.action == .scaleOut })
        // The input rate spans 8 s, so the step shows in the second decision after it began.
        #expect(firstOut.time <= .seconds(Self.stepStart + 6))
        #expect(replay.replicas.max() ?? 0 <= 12)
        let actions = replay.scaleEvents.map(\.action)
        #expect(!zip(actions, actions.dropFirst()).contains { $0 == .scaleIn && $1 == .scaleOut }, "\(replay.scaleEvents.map(\.explanation))")
    }

    @Test("after the step it gives the replicas back within about a minute, in at most two scale-ins")
    func scalesInSoon() throws {
        let replay = Replay(try Self.observations())
        let after = replay.scaleEvents.filter { $0.time > .seconds(Self.stepEnd) }
        #expect(!after.isEmpty && after.allSatisfy { $0.action == .scaleIn }, "\(after.map(\.explanation))")
        #expect(after.count <= 2, "\(after.map(\.explanation))")
        // 100/s at 70% of the ~100/s a worker reports needs two.
        #expect(replay.replicas[Self.stepEnd + 70] <= 2, "\(after.map(\.explanation))")
        #expect(replay.replicas.last == 2)
    }
}
