import Foundation
import PacketFlowBroker
import PacketFlowKafka
import PacketFlowLanguage
import PacketFlowReactor
import PacketFlowReactorService
import PacketFlowTestSupport
import Testing

/// The issue's step load: input above one worker's capacity, then nothing.
///
/// One worker handles about 100 packets/s (an exec handler sleeping 10 ms per packet, answered
/// one at a time). The test publishes 250/s for 24 s, watches the stage through the reactor's
/// status every 100 ms, then waits for the scale-in the reactor's stabilization window (20 s here,
/// instead of the DF group's 30 s) allows.
@Suite("Reactor step load", .serialized, .timeLimit(.minutes(4)))
struct StepLoadTests {
    struct Observation {
        var time: Duration
        var lag: Int64
        var desired: Int
        var running: Int
        var decision: String?
    }

    @Test("step load scales out promptly, drains, scales in after the window, and never flaps")
    func stepLoad() async throws {
        try await EmbeddedBroker.withRunning(brokers: 1, logger: ReactorProcessTests.logger) { broker in
            let bootstrap = broker.cluster.bootstrapServers
            let interval = Duration.seconds(1)
            try await InProcessReactor.with(bootstrap: bootstrap, configure: { configuration in
                configuration.autoscaler.samplingInterval = interval
                configuration.autoscaler.scaleInInterval = .seconds(5)
                configuration.autoscaler.scaleInStabilization = Self.stabilization
            }) { running in
                let name = "Step" + uniqueName("s").replacingOccurrences(of: "-", with: "")
                let script = running.stateDirectory + "/slow.py"
                try Self.slowHandler.write(toFile: script, atomically: true, encoding: .utf8)
                try await running.reactor.deploy(source: Self.molecule(name, script: script), sourceName: "step.pf")
                let clock = ContinuousClock()
                let start = clock.now
                var observations: [Observation] = []
                func observe() async throws {
                    guard let stage = try await running.reactor.status(name).stages.first else { return }
                    observations.append(
                        Observation(
                            time: clock.now - start, lag: stage.lag, desired: stage.desiredReplicas,
                            running: stage.runningReplicas, decision: stage.lastDecision))
                }
                try await waitUntil("the first worker runs", within: .seconds(30)) {
                    try await running.reactor.status(name).stages.first?.runningReplicas == 1
                }

                // 250 packets/s for 24 s, in batches of 25 every 100 ms.
                let producer = try KafkaProducer(configuration: .init(bootstrapServers: bootstrap))
                let input = TopologyNames.inputTopic(molecule: name)
                let loadStart = clock.now
                var sent = 0
                while clock.now - loadStart < .seconds(24) {
                    for _ in 0..<25 {
                        try await producer.enqueue(.init(topic: input, value: Array(#"{"n":\#(sent)}"#.utf8)))
                        sent += 1
                    }
                    try await producer.flush(timeout: .seconds(5))
                    try await observe()
                    try await Task.sleep(until: loadStart + .milliseconds(100 * (sent / 25)))
                }
                await producer.close()
                let loadEnd = clock.now - start

                try await waitUntil("the lag drains", within: .seconds(90)) {
                    try await observe()
                    return observations.last!.lag == 0
                }
                let peak = observations.map(\.desired).max() ?? 1
                do {
                    try await waitUntil("the stage scales back in", within: .seconds(120)) {
                        try await observe()
                        try await Task.sleep(for: .milliseconds(250))
                        return observations.last!.desired < peak
                    }
                } catch {
                    Issue.record("no scale-in from \(peak); the last decision: \(observations.last?.decision ?? "none")")
                    throw error
                }

                // Scale out within two sampling intervals of the workers telling their capacity:
                // at most two of their 2 s reports after the lag crosses the backlog threshold
                // (the first may cover the idle time before the load).
                let threshold = Autoscaler().backlogThreshold(
                    for: LagEstimates(
                        lag: 0, inputRate: 250, processingRate: 0, lagTrend: 0, perReplicaRate: nil,
                        perReplicaRateSource: .unknown, readyReplicas: 1, partitions: 4))
                let crossed = try #require(observations.first { $0.lag > Int64(threshold) })
                let firstOut = try #require(observations.first { $0.desired > 1 })
                #expect(firstOut.time <= crossed.time + .seconds(4) + interval * 2 + .milliseconds(500))
                #expect(peak >= 2)

                // Scale-in only after a whole stabilization window of lower recommendations.
                let peakReached = try #require(observations.firstIndex { $0.desired == peak })
                let firstIn = try #require(observations[peakReached...].first { $0.desired < peak })
                // The window of lower recommendations starts after the last scale-out at the
                // earliest (and may start before the load ends, once the replicas outrun it).
                let lastOut = observations[peakReached].time
                #expect(firstIn.time >= lastOut + Self.stabilization, "scale-in at \(firstIn.time), peak at \(lastOut)")
                #expect(firstIn.time >= loadEnd, "no scale-in while the load runs")

                let events = running.control.packets.withLock { $0 }
                    .filter { $0.kind == "ScalingDecision" }
                    .map { String(decoding: $0.payload, as: UTF8.self) }
                let actions = events.compactMap { text in
                    ["scale-out", "scale-in"].first { text.contains("\"action\":\"\($0)\"") }
                }
                // out-in-out would be flapping: nothing scales out again after the first scale-in.
                if let firstScaleIn = actions.firstIndex(of: "scale-in") {
                    #expect(!actions[firstScaleIn...].contains("scale-out"), "flapping: \(actions)")
                }
                print("step load: sent \(sent), scale events \(actions), peak \(peak), "
                    + "lag crossed \(crossed.time), first scale-out \(firstOut.time), first scale-in \(firstIn.time)")
            }
        }
    }

    /// The reactor's scale-in stabilization window in this test (the DF group's own is 120 s).
    static let stabilization = Duration.seconds(20)

    static func molecule(_ name: String, script: String) -> String {
        """
        packet SlowPacket { group: DF, handler: exec("python3 -u \(script)"), scale: { min: 1, max: 4 }, partitions: 4 }
        packet DonePacket { group: DF, handler: builtin("drop") }
        molecule \(name) {
          composition: [SlowPacket, DonePacket],
          bonds: [ {SlowPacket, DonePacket, :ionic} ]
        }
        """
    }

    /// An exec handler with a known capacity: 10 ms per packet, one at a time.
    static let slowHandler = """
        import json, sys, time
        for line in sys.stdin:
            request = json.loads(line)
            time.sleep(0.01)
            sys.stdout.write(json.dumps({"id": request["id"], "outputs": [request["packet"]["payload"]]}) + "\\n")
            sys.stdout.flush()
        """
}
