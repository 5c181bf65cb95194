import Foundation
import PacketFlowCore
import PacketFlowReactorService
import Testing

@Suite("Reactor: dead letters per stage, storms and pauses, over fakes")
struct ReactorPauseTests {
    /// A relay whose SinkPacket dead-letters `storm` packets between the first two samples.
    private func stormed(_ fake: FakeReactor, storm: Int64 = 150) async throws {
        try await fake.reactor.loadRegistry()
        try await fake.reactor.deploy(source: Molecules.relay)
        fake.lag.set("RelayPacket", partitions: Array(repeating: (high: 0, committed: 0), count: 4))
        fake.lag.set("SinkPacket", partitions: Array(repeating: (high: 0, committed: 0), count: 4))
        await fake.reactor.tick(at: .seconds(0))
        fake.lag.deadLetterCounts.withLock { $0 = ["SinkPacket": storm] }
        await fake.reactor.tick(at: .seconds(2))
    }

    @Test("status, JSON and metrics count dead letters per stage from the records' stage header")
    func deadLettersPerStage() async throws {
        let fake = FakeReactor()
        try await stormed(fake, storm: 40)
        let status = try await fake.reactor.status("Relay")
        #expect(status.deadLetters == 40)
        #expect(status.stages.map(\.deadLetters) == [0, 40])
        #expect(status.stages.map(\.deadLettersLastMinute) == [0, 40])
        #expect(status.stages.allSatisfy { !$0.paused }, "40 in a minute is no storm")
        let json = String(decoding: try JSONEncoder().encode(status), as: UTF8.self)
        #expect(json.contains(#""deadLetters":40"#))
        let metrics = fake.reactor.reactorMetrics.render()
        let sinkLine = metrics.split(separator: "\n").first {
            $0.hasPrefix("packetflow_stage_dead_letters{") && $0.contains(#"stage="SinkPacket""#)
        }
        #expect(sinkLine?.hasSuffix(" 40.0") == true || sinkLine?.hasSuffix(" 40") == true, "\(sinkLine ?? "none")")
        #expect(status.text.contains("DLQ"))
    }

    @Test("a dead-letter storm pauses the upstream stage, which holds its replicas until resumed")
    func stormPausesUpstream() async throws {
        let fake = FakeReactor()
        try await stormed(fake)
        let relay = try #require(try await fake.reactor.status("Relay").stages.first { $0.stage == "RelayPacket" })
        #expect(relay.paused)
        #expect(relay.pausedReason == "dead-letter storm in SinkPacket: 150 dead-lettered in the last minute (storm)")
        let kinds = fake.control.kinds()
        #expect(kinds.contains("HealingReaction"))
        let pause = try #require(fake.control.packets.withLock { $0.first { $0.kind == StagePauseCommand.pauseKind } })
        #expect(StagePauseCommand(packet: pause)?.stage == "RelayPacket")
        #expect(try await fake.registry.load()["Relay"]?.pausedStages?["RelayPacket"] != nil)
        #expect(try await fake.reactor.status("Relay").text.contains("resume with: packetflow resume Relay RelayPacket"))

        // Lag piles up behind the pause: no scale-out, no restart, no second pause.
        for second in 2...8 {
            let high = Int64(second) * 1_000
            fake.lag.set("RelayPacket", partitions: Array(repeating: (high: high, committed: 0), count: 4))
            await fake.reactor.tick(at: .seconds(second * 2))
        }
        #expect(fake.scaler.count("RelayPacket") == 1)
        #expect(fake.scaler.restartCount.withLock { $0 } == 0)
        #expect(fake.control.kinds().filter { $0 == StagePauseCommand.pauseKind }.count == 1)

        try await fake.reactor.resume(molecule: "Relay", stage: "RelayPacket")
        #expect(fake.control.kinds().last == StagePauseCommand.resumeKind)
        // The storm before the resume is not held against the stage again.
        await fake.reactor.tick(at: .seconds(20))
        let resumed = try #require(try await fake.reactor.status("Relay").stages.first { $0.stage == "RelayPacket" })
        #expect(!resumed.paused)
        #expect(fake.control.kinds().filter { $0 == StagePauseCommand.pauseKind }.count == 1)
        #expect(try await fake.registry.load()["Relay"]?.pausedStages == nil)
    }

    @Test("a pause read from the control topic shows in status and survives a reactor restart; a redeploy lifts it")
    func operatorPauseKept() async throws {
        let registry = InMemoryRegistry()
        let scaler = CountingScaler()
        let first = FakeReactor(registry: registry, scaler: scaler)
        try await first.reactor.loadRegistry()
        try await first.reactor.deploy(source: Molecules.relay)
        await first.reactor.obey(
            ControlCommand.pause(StagePauseCommand(molecule: "Relay", stage: "SinkPacket", pause: true, reason: "maintenance")))

        let second = FakeReactor(registry: registry, scaler: scaler)
        try await second.reactor.loadRegistry()
        let sink = try #require(try await second.reactor.status("Relay").stages.first { $0.stage == "SinkPacket" })
        #expect(sink.pausedReason == "maintenance")

        try await second.reactor.deploy(source: Molecules.relay)
        #expect(try await second.reactor.status("Relay").stages.allSatisfy { !$0.paused })
        let resume = try #require(second.control.packets.withLock { $0.last })
        #expect(StagePauseCommand(packet: resume) == StagePauseCommand(
            molecule: "Relay", stage: "SinkPacket", pause: false, reason: "redeployed"))
    }

    @Test("pause and resume packets round-trip")
    func commandRoundTrip() throws {
        for pause in [true, false] {
            let command = StagePauseCommand(molecule: "Relay", stage: "RelayPacket", pause: pause, reason: "a/b \"c\"")
            let packet = try command.packet()
            #expect(packet.kind == (pause ? "PauseStage" : "ResumeStage"))
            #expect(ControlCommand(packet: packet) == .pause(command))
        }
    }
}
