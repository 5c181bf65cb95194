import PacketFlowReactor
import Testing

@Suite("Stage health: Burrow's statuses, LOSS and the stability verdict")
struct StageHealthTests {
    let health = StageHealth()

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        /// (low, high, committed) of partition 0 at 0 s, 10 s, 20 s, ...
        var offsets: [(low: Int64, high: Int64, committed: Int64)]
        var running = 1
        var status: PartitionStatus
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "caught up", offsets: [(0, 100, 50), (0, 200, 150), (0, 300, 300)], status: .ok),
        Case(
            name: "behind but lag falling", offsets: [(0, 1_000, 100), (0, 1_100, 600), (0, 1_200, 1_000)], status: .ok),
        Case(
            name: "moving but lag never falls", offsets: [(0, 1_000, 100), (0, 2_000, 900), (0, 3_000, 1_500)],
            status: .warn),
        Case(
            name: "workers run, offset stuck", offsets: [(0, 1_000, 400), (0, 1_200, 400), (0, 1_400, 400)],
            status: .stall),
        Case(
            name: "no worker, offset stuck", offsets: [(0, 1_000, 400), (0, 1_200, 400), (0, 1_400, 400)], running: 0,
            status: .stop),
        Case(
            name: "worker gone since the last three samples",
            offsets: [(0, 1_000, 100), (0, 1_100, 400), (0, 1_200, 400), (0, 1_300, 400)],
            running: 0, status: .stop),
        Case(
            name: "offset went backwards", offsets: [(0, 1_000, 400), (0, 1_200, 900), (0, 1_400, 500)], status: .rewind
        ),
        Case(
            name: "retention passed the commit", offsets: [(0, 1_000, 100), (300, 1_200, 200), (600, 1_400, 300)],
            status: .loss),
        Case(name: "too few samples to judge a stall", offsets: [(0, 1_000, 400), (0, 1_200, 400)], status: .ok),
        Case(
            name: "never committed on an empty partition", offsets: [(0, 0, -1), (0, 0, -1), (0, 0, -1)], status: .ok),
        Case(
            name: "never committed, backlog, no worker", offsets: [(0, 500, -1), (0, 500, -1), (0, 500, -1)],
            running: 0, status: .stop),
    ]

    @Test("Partition status table", arguments: cases)
    func partitionStatus(_ example: Case) {
        let samples = example.offsets.enumerated().map { index, offset in
            SampleFixtures.sample(at: index * 10, replicas: example.running, [offset])
        }
        #expect(health.status(ofPartition: 0, in: samples, runningReplicas: example.running) == example.status)
    }

    @Test("The worst partition decides, and a stall asks for a restart")
    func worstPartitionWins() {
        let samples = [0, 10, 20].map { second in
            SampleFixtures.sample(
                at: second, replicas: 2,
                [(0, Int64(100 + second), Int64(100 + second)), (0, Int64(1_000 + second * 10), 400)])
        }
        let verdict = health.evaluate(
            StageHealthInput(
                stage: "SavePacket", group: .controlFlow, samples: samples, runningReplicas: 2, now: .seconds(20)))
        #expect(verdict.status == .stall)
        #expect(verdict.partitions.map(\.status) == [.ok, .stall])
        #expect(!verdict.isStable)
        #expect(verdict.explanation == "SavePacket unstable: offsets not moving on partition 1 (STALL)")
        #expect(verdict.reactions.map(\.action) == [.restartWorkers])
    }

    @Test("A dead-letter storm with restarts is unstable and pauses the upstream stage, without another restart")
    func deadLetterStorm() {
        let samples = [0, 10, 20].map { SampleFixtures.single(at: $0, high: Int64($0 * 10 + 500), committed: 500) }
        let verdict = health.evaluate(
            StageHealthInput(
                stage: "SavePacket", group: .controlFlow, upstreamStage: "ComputePacket", samples: samples,
                runningReplicas: 1, handledLastMinute: 400, failedLastMinute: 130, deadLetteredLastMinute: 120,
                restarts: 3, now: .seconds(20)))
        #expect(!verdict.isStable)
        #expect(
            verdict.explanation
                == "SavePacket unstable: offsets not moving on partition 0 (STALL), 120 dead-lettered in the last minute "
                + "(storm), 33% of 400 handler calls failed in the last minute, 3 restarts")
        #expect(verdict.reactions.map(\.action) == [.pauseStage])
        #expect(verdict.reactions.first?.target == "ComputePacket")
    }

    @Test("Workers that keep exiting make the stage CRASHLOOP: unstable, said in words, and a stall restarts nothing more")
    func crashLoop() {
        let samples = [0, 10, 20].map { SampleFixtures.single(at: $0, high: Int64($0 * 10 + 500), committed: 500) }
        let verdict = health.evaluate(
            StageHealthInput(
                stage: "SavePacket", group: .dataFlow, samples: samples, runningReplicas: 1, restarts: 2, crashLooping: 1,
                now: .seconds(20)))
        #expect(verdict.health == "CRASHLOOP")
        #expect(verdict.status == .stall)
        #expect(!verdict.isStable)
        #expect(
            verdict.explanation
                == "SavePacket unstable: offsets not moving on partition 0 (STALL), 1 worker exits soon after starting, "
                + "again and again (CRASHLOOP): restarted with a growing backoff")
        #expect(verdict.reactions.isEmpty)

        let recovered = health.evaluate(
            StageHealthInput(stage: "SavePacket", group: .dataFlow, samples: samples, runningReplicas: 1, now: .seconds(20)))
        #expect(recovered.health == "STALL")
        #expect(recovered.reactions.map(\.action) == [.restartWorkers])
    }

    @Test("Data lost to retention suggests scaling out; a quiet stage is stable")
    func lossAndQuiet() {
        let losing = [0, 10, 20].map {
            SampleFixtures.single(
                at: $0, high: Int64(10_000 + $0 * 100), committed: Int64(1_000 + $0 * 10), low: Int64($0 * 100))
        }
        let lost = health.evaluate(
            StageHealthInput(stage: "Compute", group: .dataFlow, samples: losing, runningReplicas: 2, now: .seconds(20))
        )
        #expect(lost.status == .loss)
        #expect(lost.reactions.map(\.action) == [.scaleOut])

        let quiet = [0, 10, 20].map { SampleFixtures.single(at: $0, high: 100, committed: 100) }
        let calm = health.evaluate(
            StageHealthInput(
                stage: "Compute", group: .dataFlow, samples: quiet, runningReplicas: 1, handledLastMinute: 50,
                failedLastMinute: 2, deadLetteredLastMinute: 1, now: .seconds(20)))
        #expect(calm.isStable)
        #expect(calm.explanation == "Compute stable")
        #expect(calm.reactions.isEmpty)
    }
}
