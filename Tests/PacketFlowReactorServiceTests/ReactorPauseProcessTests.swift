import Foundation
import PacketFlowBroker
import PacketFlowCore
import PacketFlowKafka
import PacketFlowLanguage
import PacketFlowReactorService
import PacketFlowTestSupport
import Testing

/// The dead-letter storm reaction with real `packetflow worker` processes on the embedded broker.
@Suite("Reactor pauses with worker processes", .serialized, .timeLimit(.minutes(5)))
struct ReactorPauseProcessTests {
    @Test("a molecule with imports deploys; a dead-letter storm downstream pauses the upstream workers until the fix and packetflow resume")
    func stormPausesUpstream() async throws {
        try await EmbeddedBroker.withRunning(brokers: 1, logger: ReactorProcessTests.logger) { broker in
            let bootstrap = broker.cluster.bootstrapServers
            try await InProcessReactor.with(bootstrap: bootstrap, controlTopic: true) { running in
                let name = "Storm" + uniqueName("p").replacingOccurrences(of: "-", with: "")
                let (bundle, poisonFlag) = try Self.writeMolecule(name)
                #expect(bundle.root == "app/storm.pf")
                #expect(bundle.files.keys.sorted() == ["app/storm.pf", "shared/packets.pf"])
                try await running.reactor.deploy(bundle: bundle)
                let record = try #require(await running.reactor.deployed(name))
                #expect(record.imports?.keys.sorted() == ["shared/packets.pf"])
                let workerFile = "\(running.stateDirectory)/molecules/\(name)/app/storm.pf"
                #expect(FileManager.default.fileExists(atPath: "\(running.stateDirectory)/molecules/\(name)/shared/packets.pf"))
                func stage(_ stage: String) async throws -> StageStatus {
                    try #require(try await running.reactor.status(name).stages.first { $0.stage == stage })
                }
                try await waitUntil("both stages' workers run", within: .seconds(30)) {
                    let feed = await running.scaler.running(WorkerStage(molecule: name, stage: "FeedPacket", moleculeFile: workerFile))
                    let poison = await running.scaler.running(
                        WorkerStage(molecule: name, stage: "PoisonPacket", moleculeFile: workerFile))
                    return feed == 1 && poison == 1
                }

                let producer = try KafkaProducer(configuration: .init(bootstrapServers: bootstrap))
                let input = TopologyNames.inputTopic(molecule: name)
                func publish(_ range: Range<Int>) async throws {
                    for number in range {
                        try await producer.enqueue(.init(topic: input, value: Array(#"{"n":\#(number)}"#.utf8)))
                    }
                    try await producer.flush(timeout: .seconds(10))
                }
                try await publish(0..<300)
                try await waitUntil("the storm pauses the upstream stage", within: .seconds(90)) {
                    try await stage("FeedPacket").paused
                }
                let paused = try await stage("FeedPacket")
                #expect(paused.pausedReason?.hasPrefix("dead-letter storm in PoisonPacket: ") == true, "\(paused)")
                #expect(try await stage("PoisonPacket").deadLetters >= 100)
                #expect(try await stage("FeedPacket").deadLetters == 0)
                #expect(running.control.kinds().contains(StagePauseCommand.pauseKind))

                // Paused: new input waits. The workers obey the pause a moment after the reactor
                // shows it, so input keeps coming in batches until some of it waits. The reactor
                // calls a stage STALL when its committed offsets stood still over its window;
                // STALL without a break for the window's whole span (30 samples of 0.5 s) is
                // proof that the workers fetch nothing.
                var published = 300
                var stalledSince: ContinuousClock.Instant?
                do {
                    try await waitUntil("the paused stage's offsets stand still over a whole window", within: .seconds(90)) {
                        let feed = try await stage("FeedPacket")
                        if feed.lag == 0 {
                            try await publish(published..<(published + 50))
                            published += 50
                        }
                        guard feed.lag > 0, feed.health == "STALL" else {
                            stalledSince = nil
                            return false
                        }
                        let since = stalledSince ?? .now
                        stalledSince = since
                        return ContinuousClock.now - since >= .seconds(15)
                    }
                } catch {
                    Issue.record("not stalled: \(try await running.reactor.status(name).text) control: \(running.control.kinds())")
                    throw error
                }
                let held = try await stage("FeedPacket").lag
                #expect(held > 0, "input published after the workers paused waits")
                #expect(try await stage("FeedPacket").desiredReplicas == paused.desiredReplicas, "a paused stage is not scaled")
                let restartsWhilePaused = running.control.packets.withLock { packets in
                    let pausedAt = packets.firstIndex { $0.kind == StagePauseCommand.pauseKind } ?? packets.endIndex
                    return packets[pausedAt...].filter { packet in
                        packet.stage == "FeedPacket"
                            && String(decoding: packet.payload, as: UTF8.self).contains(#""action":"restart-workers""#)
                    }
                }
                #expect(restartsWhilePaused.isEmpty, "a paused stage is not restarted for the stall its pause causes")

                // The operator fixes the handler (it stops failing), then resumes.
                try FileManager.default.removeItem(atPath: poisonFlag)
                try await running.reactor.resume(molecule: name, stage: "FeedPacket")
                do {
                    try await waitUntil("the resumed stage drains its lag", within: .seconds(60)) {
                        try await stage("FeedPacket").lag == 0
                    }
                } catch {
                    Issue.record("not drained: \(try await running.reactor.status(name).text) control: \(running.control.kinds())")
                    throw error
                }
                try await waitUntil("the fixed stage handles what the pause held back", within: .seconds(60)) {
                    try await stage("PoisonPacket").lag == 0
                }
                #expect(try await stage("FeedPacket").paused == false)
                #expect(
                    try await stage("PoisonPacket").deadLetters <= Int64(published) - held,
                    "the packets held back were handled by the fixed stage, not dead-lettered")
                await producer.close()
            }
        }
    }

    /// Writes `app/storm.pf`, which imports `../shared/packets.pf`, and a handler failing while
    /// a flag file exists; returns the bundle `packetflow deploy` would send and the flag.
    private static func writeMolecule(_ name: String) throws -> (MoleculeBundle, String) {
        let folder = FileManagerTemporary.folder("storm")
        try FileManager.default.createDirectory(atPath: folder + "/app", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder + "/shared", withIntermediateDirectories: true)
        let script = folder + "/shared/poison.py"
        let flag = folder + "/shared/broken"
        try Data().write(to: URL(fileURLWithPath: flag))
        try """
            import json, os, sys
            for line in sys.stdin:
                request = json.loads(line)
                if os.path.exists("\(flag)"):
                    answer = {"id": request["id"], "error": "poison"}
                else:
                    answer = {"id": request["id"], "outputs": [request["packet"]["payload"]]}
                sys.stdout.write(json.dumps(answer) + "\\n")
                sys.stdout.flush()
            """.write(toFile: script, atomically: true, encoding: .utf8)
        try """
            packet FeedPacket { group: DF, handler: builtin("forward"), partitions: 2, scale: { min: 1, max: 2 } }
            packet PoisonPacket { group: DF, handler: exec("python3 -u \(script)"), retries: 0, scale: { min: 1, max: 1 } }
            """.write(toFile: folder + "/shared/packets.pf", atomically: true, encoding: .utf8)
        try """
            import "../shared/packets.pf"
            molecule \(name) {
              composition: [FeedPacket, PoisonPacket],
              bonds: [ {FeedPacket, PoisonPacket, :ionic} ]
            }
            """.write(toFile: folder + "/app/storm.pf", atomically: true, encoding: .utf8)
        let program = try MoleculeProgram.load(path: folder + "/app/storm.pf", loader: FileSystemSourceLoader())
        #expect(!program.diagnostics.containsErrors, "\(program.renderedDiagnostics())")
        return (MoleculeBundle(sources: program.sources, workingDirectory: "/"), flag)
    }
}
