import Foundation
import Hummingbird
import HummingbirdTesting
import PacketFlowReactor
import PacketFlowReactorService
import Testing

@Suite("Reactor HTTP API")
struct ReactorHTTPAPITests {
    static let token = "s3cret"

    private func application(_ fake: FakeReactor) -> some ApplicationProtocol {
        Application(router: ReactorHTTPAPI(reactor: fake.reactor, token: Self.token).router())
    }

    private var authorized: HTTPFields { [.authorization: "Bearer \(Self.token)"] }

    @Test("deploy and undeploy without the bearer token get 401 and change nothing", arguments: [nil, "Bearer wrong"])
    func unauthorized(header: String?) async throws {
        let fake = FakeReactor()
        try await fake.reactor.loadRegistry()
        let headers: HTTPFields = header.map { [.authorization: $0] } ?? [:]
        try await application(fake).test(.router) { client in
            let deploy = try await client.execute(
                uri: "/v1/molecules", method: .post, headers: headers, body: ByteBuffer(string: Molecules.relay))
            #expect(deploy.status == .unauthorized)
            #expect(deploy.headers[.wwwAuthenticate] == "Bearer")
            let undeploy = try await client.execute(uri: "/v1/molecules/Relay", method: .delete, headers: headers)
            #expect(undeploy.status == .unauthorized)
        }
        #expect(await fake.reactor.list().isEmpty)
        #expect(try await fake.registry.load().isEmpty)
    }

    @Test("a malformed molecule gets 400 with the rendered diagnostics, and nothing is deployed")
    func malformedMolecule() async throws {
        let fake = FakeReactor()
        try await fake.reactor.loadRegistry()
        try await application(fake).test(.router) { client in
            let response = try await client.execute(
                uri: "/v1/molecules?name=broken.pf", method: .post, headers: authorized,
                body: ByteBuffer(string: Molecules.malformed))
            #expect(response.status == .badRequest)
            let text = String(buffer: response.body)
            #expect(text.contains("broken.pf:"))
            #expect(text.contains("MissingPacket"))
            let list = try await client.execute(uri: "/v1/molecules", method: .get)
            #expect(String(buffer: list.body).trimmingCharacters(in: .whitespacesAndNewlines) == "[\n\n]")
        }
        #expect(try await fake.registry.load().isEmpty)
        #expect(fake.scaler.calls.withLock { $0.isEmpty })
    }

    @Test("deploy, list, status, desired replicas for KEDA, metrics, undeploy")
    func deployLifecycle() async throws {
        let fake = FakeReactor()
        try await application(fake).test(.router) { client in
            let notReady = try await client.execute(uri: "/readyz", method: .get)
            #expect(notReady.status == .serviceUnavailable)
            try await fake.reactor.loadRegistry()
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)

            let deploy = try await client.execute(
                uri: "/v1/molecules?name=relay.pf", method: .post, headers: authorized,
                body: ByteBuffer(string: Molecules.relay))
            #expect(deploy.status == .created)
            let summary = try JSONDecoder().decode(MoleculeSummary.self, from: Data(buffer: deploy.body))
            #expect(summary.molecule == "Relay")

            let list = try await client.execute(uri: "/v1/molecules", method: .get)
            #expect(try JSONDecoder().decode([MoleculeSummary].self, from: Data(buffer: list.body)).map(\.molecule) == ["Relay"])

            let status = try await client.execute(uri: "/v1/molecules/Relay", method: .get)
            #expect(status.status == .ok)
            let molecule = try JSONDecoder().decode(MoleculeStatus.self, from: Data(buffer: status.body))
            #expect(molecule.stages.map(\.stage) == ["RelayPacket", "SinkPacket"])
            #expect(molecule.stages.first?.consumerGroup == "pf.Relay.RelayPacket")

            let desired = try await client.execute(
                uri: "/v1/molecules/Relay/stages/RelayPacket/desired-replicas", method: .get)
            #expect(desired.status == .ok)
            let keda = try JSONDecoder().decode(DesiredReplicasResponse.self, from: Data(buffer: desired.body))
            #expect(keda.desiredReplicas == 1)
            #expect(keda.maxReplicas == 4)

            let unknown = try await client.execute(uri: "/v1/molecules/Relay/stages/Nope/desired-replicas", method: .get)
            #expect(unknown.status == .notFound)

            fake.lag.set("RelayPacket", partitions: [(high: 50, committed: 10)])
            await fake.reactor.tick(at: .seconds(2))
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(metrics.contains(#"packetflow_stage_lag{molecule="Relay",stage="RelayPacket"} 40"#))
            #expect(metrics.contains("packetflow_stage_replicas_running"))
            #expect(metrics.contains("packetflow_stage_decisions_total"))

            let undeploy = try await client.execute(uri: "/v1/molecules/Relay", method: .delete, headers: authorized)
            #expect(undeploy.status == .noContent)
            #expect(try await client.execute(uri: "/v1/molecules/Relay", method: .get).status == .notFound)
        }
    }

    @Test("scale, pause and resume go through the API with the token; the reactor alone writes the commands to the control topic")
    func stageCommands() async throws {
        let fake = FakeReactor()
        try await fake.reactor.loadRegistry()
        try await application(fake).test(.live) { client in
            let port = try #require(client.port)
            let reactor = ReactorClient(baseURL: "http://127.0.0.1:\(port)", token: Self.token)
            _ = try await reactor.deploy(source: Molecules.relay, sourceName: "relay.pf")

            let anonymous = ReactorClient(baseURL: "http://127.0.0.1:\(port)")
            let refused = await #expect(throws: ReactorError.self) {
                try await anonymous.scale(molecule: "Relay", stage: "RelayPacket", replicas: 3)
            }
            #expect(refused?.code == .unauthorized)
            await #expect(throws: ReactorError.self) { try await anonymous.pause(molecule: "Relay", stage: "RelayPacket", reason: "x") }
            #expect(fake.scaler.count("RelayPacket") == 1)

            let pinned = try await reactor.scale(molecule: "Relay", stage: "RelayPacket", replicas: 3)
            #expect(pinned.manualReplicas == 3)
            #expect(fake.scaler.count("RelayPacket") == 3)
            #expect(pinned.lastDecision?.contains("scaled 1 -> 3") == true, "\(pinned.lastDecision ?? "")")
            let auto = try await reactor.scale(molecule: "Relay", stage: "RelayPacket", replicas: nil)
            #expect(auto.manualReplicas == nil)

            let paused = try await reactor.pause(molecule: "Relay", stage: "SinkPacket", reason: "bad input upstream")
            #expect(paused.paused && paused.pausedReason == "bad input upstream")
            let resumed = try await reactor.resume(molecule: "Relay", stage: "SinkPacket")
            #expect(!resumed.paused)
            #expect(fake.control.kinds().filter { $0.hasSuffix("Stage") } == ["PauseStage", "ResumeStage"])

            let unknown = await #expect(throws: ReactorError.self) {
                try await reactor.scale(molecule: "Relay", stage: "Nope", replicas: 1)
            }
            #expect(unknown?.message.contains("no stage Nope") == true, "\(String(describing: unknown))")
            let negative = try await client.execute(
                uri: "/v1/molecules/Relay/stages/RelayPacket/replicas", method: .put, headers: authorized,
                body: ByteBuffer(string: #"{"replicas":-1}"#))
            #expect(negative.status == .badRequest)
            // Only a whole number or "auto": a boolean is not 1, a fraction is not rounded.
            for body in [#"{"replicas":true}"#, #"{"replicas":2.5}"#, #"{"replicas":"many"}"#, "{}", "3"] {
                let refused = try await client.execute(
                    uri: "/v1/molecules/Relay/stages/RelayPacket/replicas", method: .put, headers: authorized, body: ByteBuffer(string: body))
                #expect(refused.status == .badRequest, "\(body)")
            }
            // A pin the registry cannot record is reported, not answered 200: a restarted reactor would forget it.
            fake.registry.refusesWrites.store(true, ordering: .relaxed)
            let unrecorded = await #expect(throws: ReactorError.self) {
                try await reactor.scale(molecule: "Relay", stage: "RelayPacket", replicas: 2)
            }
            #expect(unrecorded?.message.contains("not recorded in the registry") == true, "\(String(describing: unrecorded))")
            fake.registry.refusesWrites.store(false, ordering: .relaxed)
        }
    }

    @Test("the command line's client deploys, lists, reads status and maps errors")
    func clientAgainstLiveServer() async throws {
        let fake = FakeReactor()
        try await fake.reactor.loadRegistry()
        try await application(fake).test(.live) { client in
            let port = try #require(client.port)
            let reactor = ReactorClient(baseURL: "http://127.0.0.1:\(port)", token: Self.token)
            let summary = try await reactor.deploy(source: Molecules.relay, sourceName: "relay.pf")
            #expect(summary.stages == ["RelayPacket", "SinkPacket"])
            #expect(try await reactor.list().map(\.molecule) == ["Relay"])
            #expect(try await reactor.status("Relay").stages.count == 2)
            let refused = await #expect(throws: ReactorError.self) {
                try await reactor.deploy(source: Molecules.malformed, sourceName: "broken.pf")
            }
            #expect(refused?.code == .invalidMolecule)
            #expect(refused?.diagnostics.contains("MissingPacket") == true)
            let anonymous = ReactorClient(baseURL: "http://127.0.0.1:\(port)")
            let unauthorized = await #expect(throws: ReactorError.self) { try await anonymous.undeploy("Relay") }
            #expect(unauthorized?.code == .unauthorized)
            try await reactor.undeploy("Relay")
            #expect(try await reactor.list().isEmpty)
        }
    }
}
