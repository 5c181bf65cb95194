import Foundation
import Logging
import PacketFlowBroker
import PacketFlowKafka
import PacketFlowLanguage
import PacketFlowReactorService
import PacketFlowTestSupport
import Subprocess
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The reactor with real `packetflow worker` processes on the embedded broker.
///
/// Serialized: each test runs a broker and several worker processes, and the machine has two cores.
@Suite("Reactor with worker processes", .serialized, .timeLimit(.minutes(3)))
struct ReactorProcessTests {
    static let logger = Logger(label: "test.reactor") { _ in SwiftLogNoOpLogHandler() }

    /// A relay molecule with a name of its own, so its topics and groups are the test's alone.
    static func relay(_ name: String) -> String {
        Molecules.relay.replacingOccurrences(of: "molecule Relay", with: "molecule \(name)")
    }

    @Test("a killed worker is restarted and no packet is lost")
    func killedWorkerRestarted() async throws {
        try await EmbeddedBroker.withRunning(brokers: 1, logger: Self.logger) { broker in
            let bootstrap = broker.cluster.bootstrapServers
            try await InProcessReactor.with(bootstrap: bootstrap) { running in
                let (reactor, scaler) = (running.reactor, running.scaler)
                let name = "Relay" + uniqueName("k").replacingOccurrences(of: "-", with: "")
                try await reactor.deploy(source: Self.relay(name), sourceName: "relay.pf")
                let stage = WorkerStage(
                    molecule: name, stage: "RelayPacket", moleculeFile: "\(running.stateDirectory)/molecules/\(name).pf")
                try await waitUntil("the relay worker runs", within: .seconds(30)) { await scaler.running(stage) == 1 }

                let producer = try KafkaProducer(configuration: .init(bootstrapServers: bootstrap))
                let input = TopologyNames.inputTopic(molecule: name)
                for number in 0..<100 {
                    _ = try await producer.send(.init(topic: input, value: Array(#"{"n":\#(number)}"#.utf8)))
                }
                let victim = try #require(await scaler.processIdentifiers(stage).first)
                #expect(kill(victim, SIGKILL) == 0)
                for number in 100..<200 {
                    _ = try await producer.send(.init(topic: input, value: Array(#"{"n":\#(number)}"#.utf8)))
                }
                await producer.close()

                try await waitUntil("the worker is restarted", within: .seconds(30)) {
                    // The autoscaler may add a worker for the backlog meanwhile: count the restart, not the replicas.
                    let restarted = await scaler.restarts(stage) >= 1
                    let running = await scaler.processIdentifiers(stage)
                    return restarted && !running.isEmpty && !running.contains(victim)
                }
                let output = TopologyNames.outputTopic(molecule: name)
                let expected = Set((0..<200).map { #"{"n":\#($0)}"# })
                var seen: Set<String> = []
                try await waitUntil("every packet reaches the output", within: .seconds(90)) {
                    let messages = (try? await Kcat(bootstrap: bootstrap).consume(topic: output)) ?? []
                    seen = Set(messages.compactMap(\.payload))
                    return expected.isSubset(of: seen)
                }
                #expect(expected.subtracting(seen).isEmpty)
                #expect(try await reactor.status(name).stages.first?.restarts == 1)
            }
        }
    }

    @Test("the command line deploys, scales through the API with the token, and a killed reactor's successor keeps the workers")
    func reactorKilledAndRestarted() async throws {
        try await EmbeddedBroker.withRunning(brokers: 1, logger: Self.logger) { broker in
            let bootstrap = broker.cluster.bootstrapServers
            let state = FileManagerTemporary.folder("reactor-restart")
            let port = Int.random(in: 20_000...40_000)
            let url = "http://127.0.0.1:\(port)"
            let name = "Relay" + uniqueName("r").replacingOccurrences(of: "-", with: "")
            let file = state + "/relay.pf"
            try Self.relay(name).write(toFile: file, atomically: true, encoding: .utf8)
            // The token from a file, as an operator keeps it out of the process list.
            let tokenFile = state + "/token"
            try "s3cret\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
            let broken = state + "/broken.pf"
            try Molecules.malformed.write(toFile: broken, atomically: true, encoding: .utf8)
            let arguments = [
                "reactor", "--bootstrap", bootstrap, "--port", String(port), "--token-file", tokenFile, "--state-dir", state,
                "--sampling-interval-ms", "500", "--quiet-workers", "--log-level", "warning",
            ]
            let client = ReactorClient(baseURL: url, token: "s3cret")
            var workersBefore: Set<Int32> = []

            try await Self.runReactor(arguments) { reactor in
                try await Self.waitUntilAnswering(reactor, client)

                let anonymous = try await PacketFlowExecutable.run(["deploy", file, "--reactor", url])
                #expect(anonymous.exitCode != 0)
                #expect(anonymous.standardError.contains("bearer token"))
                let malformed = try await PacketFlowExecutable.run(
                    ["deploy", broken, "--reactor", url], environment: ["PACKETFLOW_REACTOR_TOKEN": "s3cret"])
                #expect(malformed.exitCode != 0)
                #expect(malformed.standardError.contains("MissingPacket"))
                #expect(try await client.list().isEmpty)

                let deploy = try await PacketFlowExecutable.run(["deploy", file, "--reactor", url, "--token-file", tokenFile])
                #expect(deploy.exitCode == 0, "\(deploy.standardError)")
                #expect(deploy.standardOutput.contains("deployed \(name)"))

                let tokenless = try await PacketFlowExecutable.run(["scale", name, "RelayPacket", "2", "--reactor", url])
                #expect(tokenless.exitCode != 0)
                #expect(tokenless.standardError.contains("bearer token"), "\(tokenless.standardError)")
                let scale = try await PacketFlowExecutable.run(
                    ["scale", name, "RelayPacket", "2", "--reactor", url, "--token-file", tokenFile])
                #expect(scale.exitCode == 0, "\(scale.standardError)")
                #expect(scale.standardOutput.contains("RelayPacket: manual override: scaled 1 -> 2"))
                let pause = try await PacketFlowExecutable.run(
                    ["pause", name, "SinkPacket", "--reason", "checking the sink", "--reactor", url, "--token-file", tokenFile])
                #expect(pause.standardOutput.contains("SinkPacket: paused: checking the sink"), "\(pause.standardError)")
                #expect(try await client.status(name).stages.first { $0.stage == "SinkPacket" }?.paused == true)
                let resume = try await PacketFlowExecutable.run(["resume", name, "SinkPacket", "--reactor", url, "--token-file", tokenFile])
                #expect(resume.standardOutput.contains("SinkPacket: running"), "\(resume.standardError)")

                try await waitUntil("three workers run", within: .seconds(30)) {
                    let pids = Self.recordedWorkers(state)
                    return pids.count == 3 && pids.allSatisfy(Self.isAlive)
                }
                workersBefore = Self.recordedWorkers(state)
                try reactor.send(signal: .kill)
            }
            #expect(workersBefore.allSatisfy(Self.isAlive), "workers outlive a killed reactor")

            try await Self.runReactor(arguments) { reactor in
                try await Self.waitUntilAnswering(reactor, client)
                try await waitUntil("the restarted reactor has its molecule back", within: .seconds(30)) {
                    (try? await client.list().first?.runningReplicas) == 3
                }
                #expect(Self.recordedWorkers(state) == workersBefore, "the same workers, adopted, none added")
                let status = try await client.status(name)
                #expect(status.stages.first { $0.stage == "RelayPacket" }?.manualReplicas == 2)
                try reactor.send(signal: .terminate)
            }
            try await waitUntil("a stopped reactor drains its workers", within: .seconds(30)) {
                !workersBefore.contains(where: Self.isAlive)
            }
        }
    }

    @Test("workers report their load on the control topic and the reactor scales on the capacity they report")
    func workersReportTheirCapacity() async throws {
        try await EmbeddedBroker.withRunning(brokers: 1, logger: Self.logger) { broker in
            let bootstrap = broker.cluster.bootstrapServers
            try await InProcessReactor.with(bootstrap: bootstrap, controlTopic: true) { running in
                let name = "Relay" + uniqueName("l").replacingOccurrences(of: "-", with: "")
                try await running.reactor.deploy(source: Self.relay(name), sourceName: "relay.pf")
                let producer = try KafkaProducer(configuration: .init(bootstrapServers: bootstrap))
                let input = TopologyNames.inputTopic(molecule: name)
                // A light, steady load: lag never shows a saturated worker, the reports do.
                var status: StageStatus?
                try await waitUntil("the relay stage's capacity comes from its workers' reports", within: .seconds(60)) {
                    for number in 0..<200 {
                        try await producer.enqueue(.init(topic: input, value: Array(#"{"n":\#(number)}"#.utf8)))
                    }
                    try await producer.flush(timeout: .seconds(5))
                    status = try await running.reactor.status(name).stages.first { $0.stage == "RelayPacket" }
                    return status?.perReplicaRateSource == "reported"
                }
                await producer.close()
                #expect((status?.reportingWorkers ?? 0) >= 1)
                // A built-in forward handles thousands a second; 200 every round is far below that.
                #expect((status?.perReplicaRate ?? 0) > 1_000, "\(String(describing: status))")
                #expect(status?.lastDecision?.contains("capacity unknown") == false, "\(String(describing: status?.lastDecision))")
                print("reported capacity: \(String(describing: status?.lastDecision))")
            }
        }
    }

    @Test("workers and their exec programs do not get the reactor's token from its environment")
    func tokenStaysWithTheReactor() async throws {
        try await EmbeddedBroker.withRunning(brokers: 1, logger: Self.logger) { broker in
            let bootstrap = broker.cluster.bootstrapServers
            let state = FileManagerTemporary.folder("reactor-token")
            let port = Int.random(in: 20_000...40_000)
            let name = "Env" + uniqueName("e").replacingOccurrences(of: "-", with: "")
            let dump = state + "/environment.txt"
            let script = state + "/dump.py"
            try """
            import json, os, sys
            for line in sys.stdin:
                with open("\(dump).tmp", "w") as out:
                    out.write("\\n".join(sorted(os.environ)))
                os.replace("\(dump).tmp", "\(dump)")
                request = json.loads(line)
                sys.stdout.write(json.dumps({"id": request["id"], "outputs": []}) + "\\n")
                sys.stdout.flush()
            """.write(toFile: script, atomically: true, encoding: .utf8)
            let molecule = """
                packet EnvPacket { group: DF, handler: exec("python3 \(script)") }
                molecule \(name) { composition: [EnvPacket] }
                """
            let arguments = [
                "reactor", "--bootstrap", bootstrap, "--port", String(port), "--state-dir", state,
                "--sampling-interval-ms", "500", "--quiet-workers", "--log-level", "warning",
            ]
            let secrets = ["PACKETFLOW_REACTOR_TOKEN": "s3cret", "PACKETFLOW_INGEST_TOKEN": "in9est"]
            let client = ReactorClient(baseURL: "http://127.0.0.1:\(port)", token: "s3cret")
            try await Self.runReactor(arguments, environment: secrets) { reactor in
                try await Self.waitUntilAnswering(reactor, client)
                _ = try await client.deploy(source: molecule, sourceName: "env.pf")
                let producer = try KafkaProducer(configuration: .init(bootstrapServers: bootstrap))
                try await waitUntil("an exec program wrote its environment", within: .seconds(60)) {
                    _ = try await producer.send(.init(topic: TopologyNames.inputTopic(molecule: name), value: Array(#"{"n":1}"#.utf8)))
                    return FileManager.default.fileExists(atPath: dump)
                }
                await producer.close()
                try reactor.send(signal: .terminate)
            }
            let variables = try String(contentsOfFile: dump, encoding: .utf8).split(separator: "\n").map(String.init)
            #expect(variables.contains("PATH"), "the dump holds the program's environment: \(variables)")
            #expect(!variables.contains("PACKETFLOW_REACTOR_TOKEN"))
            #expect(!variables.contains("PACKETFLOW_INGEST_TOKEN"))
        }
    }

    /// Runs `packetflow reactor` until `body` returns and the process exits (body signals it).
    private static func runReactor(
        _ arguments: [String], environment: [String: String] = [:],
        _ body: (Execution<NoInput, DiscardedOutput, DiscardedOutput>) async throws -> Void
    ) async throws {
        _ = try await Subprocess.run(
            .path(.init(try PacketFlowExecutable.path())), arguments: Arguments(arguments),
            environment: .inherit.updating(Dictionary(uniqueKeysWithValues: environment.map { (Environment.Key(stringLiteral: $0.key), $0.value) })),
            input: .none, output: .discarded, error: .discarded, body: body)
    }

    /// Waits until the reactor process answers its API, failing at once should it exit first.
    ///
    /// No budget sized for a quiet machine: a debug reactor starting under the suite's load
    /// took over 30 s once; the suite's time limit bounds the wait.
    private static func waitUntilAnswering(
        _ reactor: Execution<NoInput, DiscardedOutput, DiscardedOutput>, _ client: ReactorClient
    ) async throws {
        try await waitUntil("the reactor answers", within: .seconds(150)) {
            guard isAlive(reactor.processIdentifier.value) else { throw ReactorError(.requestFailed, "the reactor exited before it answered") }
            return (try? await client.list()) != nil
        }
    }

    /// The PIDs `workers.json` lists.
    private static func recordedWorkers(_ state: String) -> Set<Int32> {
        struct Record: Decodable { var pid: Int32 }
        guard let data = FileManager.default.contents(atPath: state + "/workers/workers.json"),
            let records = try? JSONDecoder().decode([Record].self, from: data)
        else { return [] }
        return Set(records.map(\.pid))
    }

    private static func isAlive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        // A zombie (exited, not yet reaped) counts as gone.
        let status = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        return !status.contains(") Z ")
    }
}
