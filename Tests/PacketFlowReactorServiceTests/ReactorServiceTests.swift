import Foundation
import PacketFlowReactorService
import Testing

@Suite("Reactor service over fakes")
struct ReactorServiceTests {
    @Test("deploy plans the molecule, creates its topics, registers it and starts its stages")
    func deployStartsStages() async throws {
        let fake = FakeReactor()
        try await fake.reactor.loadRegistry()
        let summary = try await fake.reactor.deploy(source: Molecules.relay, sourceName: "relay.pf")
        #expect(summary.molecule == "Relay")
        #expect(summary.stages == ["RelayPacket", "SinkPacket"])
        #expect(fake.scaler.count("RelayPacket") == 1)
        #expect(fake.scaler.count("SinkPacket") == 1)
        #expect(try await fake.registry.load()["Relay"]?.source == Molecules.relay)
        let topics = fake.provisioned.specs.withLock { $0 }
        #expect(topics.contains { $0.name == "pf.Relay.input" && $0.partitions == 4 })
        #expect(await fake.reactor.list().map(\.molecule) == ["Relay"])
    }

    @Test("a malformed molecule is refused with its diagnostics and nothing is deployed")
    func malformedMoleculeRefused() async throws {
        let fake = FakeReactor()
        try await fake.reactor.loadRegistry()
        let error = await #expect(throws: ReactorError.self) {
            try await fake.reactor.deploy(source: Molecules.malformed, sourceName: "broken.pf")
        }
        #expect(error?.code == .invalidMolecule)
        #expect(error?.diagnostics.contains("broken.pf:") == true)
        #expect(error?.diagnostics.contains("MissingPacket") == true)
        #expect(try await fake.registry.load().isEmpty)
        #expect(fake.scaler.calls.withLock { $0.isEmpty })
        #expect(fake.provisioned.specs.withLock { $0.isEmpty })
        #expect(await fake.reactor.list().isEmpty)
    }

    @Test("registry records no deploy could write (a name or an import path leaving the state folder) are refused on load; the others run")
    func forgedRegistryRecords() async throws {
        let registry = InMemoryRegistry()
        let good = try DeployedMolecule.make(source: Molecules.relay, sourceName: "relay.pf")
        let id = UUID().uuidString
        var badName = good
        badName.name = "../../escaped-\(id)"
        var badImport = good
        badImport.name = "Imports"
        badImport.imports = ["../../../escaped-import-\(id).pf": "packet X { group: DF }"]
        registry.records.withLock { $0 = ["Relay": good, badName.name: badName, "Imports": badImport] }

        let fake = FakeReactor(registry: registry)
        try await fake.reactor.loadRegistry()
        #expect(await fake.reactor.isReady)
        #expect(await fake.reactor.list().map(\.molecule) == ["Relay"])
        #expect(fake.scaler.count("RelayPacket") == 1)
        // Both forged paths lead to the state folder's parent.
        let parent = URL(fileURLWithPath: fake.stateDirectory).deletingLastPathComponent().path
        for path in ["\(parent)/escaped-\(id).pf", "\(parent)/escaped-import-\(id).pf"] {
            #expect(!FileManager.default.fileExists(atPath: path), "\(path) written")
        }
    }

    @Test("a restarted reactor rebuilds its molecules from the registry with the same worker count")
    func restartKeepsWorkers() async throws {
        let registry = InMemoryRegistry()
        let scaler = CountingScaler()
        let first = FakeReactor(registry: registry, scaler: scaler)
        try await first.reactor.loadRegistry()
        try await first.reactor.deploy(source: Molecules.relay)
        await first.reactor.obey(ScaleOverride(molecule: "Relay", stage: "RelayPacket", replicas: 3))
        #expect(scaler.count("RelayPacket") == 3)

        // The scaler outlives the reactor as adopted workers outlive a killed reactor process.
        let second = FakeReactor(registry: registry, scaler: scaler)
        try await second.reactor.loadRegistry()
        #expect(await second.reactor.isReady)
        #expect(await second.reactor.list().map(\.molecule) == ["Relay"])
        #expect(scaler.count("RelayPacket") == 3)
        #expect(scaler.count("SinkPacket") == 1)
        let relay = try await second.reactor.status("Relay").stages.first { $0.stage == "RelayPacket" }
        #expect(relay?.manualReplicas == 3, "the override is kept in the registry")
    }

    @Test("undeploy stops the workers and removes the molecule from the registry")
    func undeployRemoves() async throws {
        let fake = FakeReactor()
        try await fake.reactor.loadRegistry()
        try await fake.reactor.deploy(source: Molecules.relay)
        try await fake.reactor.undeploy("Relay")
        #expect(try await fake.registry.load().isEmpty)
        #expect(fake.scaler.count("RelayPacket") == 0)
        await #expect(throws: ReactorError.self) { try await fake.reactor.status("Relay") }
    }

    @Test("rising lag above one worker's capacity scales out and publishes the decision as an MC packet")
    func risingLagScalesOut() async throws {
        let fake = FakeReactor(perReplicaRate: 100)
        try await fake.reactor.loadRegistry()
        try await fake.reactor.deploy(source: Molecules.relay)
        // 4 partitions, 150 msg/s in each (600/s), the one worker commits 100/s in total.
        var committed: Int64 = 0
        for second in 0...6 {
            let high = Int64(second) * 150
            fake.lag.set("RelayPacket", partitions: Array(repeating: (high: high, committed: committed / 4), count: 4))
            committed += 100
            await fake.reactor.tick(at: .seconds(second * 2))
        }
        let status = try await fake.reactor.status("Relay")
        let relay = try #require(status.stages.first { $0.stage == "RelayPacket" })
        #expect(relay.desiredReplicas > 1)
        #expect(fake.scaler.count("RelayPacket") == relay.desiredReplicas)
        #expect(relay.lastDecision?.contains("RelayPacket: inflow") == true)
        let decisions = fake.control.packets.withLock { $0.filter { $0.kind == "ScalingDecision" } }
        #expect(!decisions.isEmpty)
        #expect(decisions.allSatisfy { $0.group == .metaComputational && $0.molecule == "Relay" })
        let payload = String(decoding: try #require(decisions.first).payload, as: UTF8.self)
        #expect(payload.contains("\"action\":\"scale-out\""))
        #expect(payload.contains("\"inputs\":{"))
    }

    @Test("a manual override pins the stage, the autoscaler stops deciding, and the reactor says so")
    func overrideObeyed() async throws {
        let fake = FakeReactor()
        try await fake.reactor.loadRegistry()
        try await fake.reactor.deploy(source: Molecules.relay)
        await fake.reactor.obey(ScaleOverride(molecule: "Relay", stage: "RelayPacket", replicas: 3))
        #expect(fake.scaler.count("RelayPacket") == 3)
        fake.lag.set("RelayPacket", partitions: Array(repeating: (high: 0, committed: 0), count: 4))
        for second in 0...3 { await fake.reactor.tick(at: .seconds(second * 2)) }
        #expect(fake.scaler.count("RelayPacket") == 3)
        let relay = try #require(try await fake.reactor.status("Relay").stages.first)
        #expect(relay.manualReplicas == 3)
        #expect(relay.lastDecision == "RelayPacket: manual override: scaled 1 -> 3")
        #expect(fake.control.kinds().contains("ScaleOverrideObeyed"))

        await fake.reactor.obey(ScaleOverride(molecule: "Relay", stage: "RelayPacket", replicas: nil))
        #expect(try await fake.reactor.status("Relay").stages.first?.manualReplicas == nil)
    }

    @Test("an override above the partitions is capped at the partition count")
    func overrideCapped() async throws {
        let fake = FakeReactor()
        try await fake.reactor.loadRegistry()
        try await fake.reactor.deploy(source: Molecules.relay)
        await fake.reactor.obey(ScaleOverride(molecule: "Relay", stage: "RelayPacket", replicas: 9))
        #expect(fake.scaler.count("RelayPacket") == 4)
    }

    @Test("a stall restarts the workers only once their count held for the restart grace (joining commits nothing)")
    func stallRestartWaitsForGrace() async throws {
        let fake = FakeReactor()
        try await fake.reactor.loadRegistry()
        try await fake.reactor.deploy(source: Molecules.relay)
        // Lag waits on every partition; the committed offsets never move.
        fake.lag.set("RelayPacket", partitions: Array(repeating: (high: 500, committed: 100), count: 4))
        for second in stride(from: 0, through: 28, by: 2) { await fake.reactor.tick(at: .seconds(second)) }
        #expect(try await fake.reactor.status("Relay").stages.first?.health == "STALL")
        #expect(fake.scaler.restartCount.withLock { $0 } == 0)
        for second in stride(from: 30, through: 34, by: 2) { await fake.reactor.tick(at: .seconds(second)) }
        #expect(fake.scaler.restartCount.withLock { $0 } == 1)
    }

    @Test("scale override packets round-trip, null replicas included")
    func overridePacketRoundTrip() throws {
        for replicas in [3, nil] as [Int?] {
            let override = ScaleOverride(molecule: "Relay", stage: "RelayPacket", replicas: replicas)
            let packet = try override.packet()
            #expect(packet.kind == "ScaleOverride")
            #expect(ScaleOverride(packet: packet) == override)
        }
    }
}
