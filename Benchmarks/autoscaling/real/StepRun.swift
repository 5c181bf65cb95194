import Foundation
import KEDAFormula
import Logging
import PacketFlowBroker
import PacketFlowCore
import PacketFlowKafka
import PacketFlowLanguage
import PacketFlowReactorService
import ServiceLifecycle

/// One controller's run of the step load on real workers, and what it measured.
struct StepRun {
    let name: String
    /// One sample a second.
    var samples: [Sample] = []
    /// The scale events, with the controller's words.
    var events: [String] = []
    /// What the reactor saw each second (`StageStatus` as CSV rows: second, running, desired,
    /// lag, input rate, processing rate, per-replica rate, its source); the model's tests
    /// replay them.
    var observations: [String] = []
    var packetsIn = 0
    var packetsOut = 0
    var distinctOut = 0

    struct Sample {
        var second: Int
        var running: Int
        var desired: Int
        var lag: Int64
    }

    /// A worker costs 10 ms a packet and answers one request at a time: about 100 packets/s.
    static let program = """
        import json, sys, time
        for line in sys.stdin:
            request = json.loads(line)
            time.sleep(0.01)
            sys.stdout.write(json.dumps({"id": request["id"], "outputs": [request["packet"]["payload"]]}) + "\\n")
            sys.stdout.flush()
        """

    static func run(_ controller: String, options: RealStepLoad.Options, bootstrap: String) async throws -> StepRun {
        let folder = FileManager.default.temporaryDirectory.appending(path: "step-\(controller)-\(UUID().uuidString.prefix(6))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try program.write(toFile: folder + "/slow.py", atomically: true, encoding: .utf8)
        let molecule = "Step\(controller.capitalized)\(UUID().uuidString.prefix(6))"
        let source = """
            packet WorkPacket { group: DF, handler: exec("python3 \(folder)/slow.py"), partitions: 12, scale: { min: 1, max: 12 } }
            molecule \(molecule) { composition: [WorkPacket] }
            """
        let plan = try MoleculeProgram.parse(source).plan()
        var run = StepRun(name: controller)
        switch controller {
        case "reactor":
            try await run.underReactor(source: source, plan: plan, folder: folder, options: options, bootstrap: bootstrap)
        case "keda":
            try await run.underKEDA(source: source, plan: plan, folder: folder, options: options, bootstrap: bootstrap)
        default:
            throw RealStepLoad.RunError("unknown controller \(controller): reactor or keda")
        }
        return run
    }

    /// The reactor's services (`packetflow reactor` without its command line) run the stage.
    private mutating func underReactor(
        source: String, plan: TopologyPlan, folder: String, options: RealStepLoad.Options, bootstrap: String
    ) async throws {
        var server = ReactorServer(bootstrapServers: bootstrap, stateDirectory: folder + "/reactor")
        server.port = Self.freePort()
        server.workers.executable = options.packetflow
        server.workers.forwardWorkerLogs = false
        let (reactor, services) = try await server.services(logger: RealStepLoad.logger)
        let group = ServiceGroup(services: services, gracefulShutdownSignals: [], logger: RealStepLoad.logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            while await !reactor.isReady { try await Task.sleep(for: .milliseconds(100)) }
            try await reactor.deploy(source: source, sourceName: "step.pf")
            var lastDecision: String?
            var seen: [String] = []
            try await drive(plan: plan, options: options, bootstrap: bootstrap) { second in
                let stage = try await reactor.status(plan.molecule).stages[0]
                defer { lastDecision = stage.lastDecision }
                seen.append(
                    "\(second),\(stage.runningReplicas),\(stage.desiredReplicas),\(stage.lag),"
                        + String(format: "%.1f,%.1f,", stage.inputRate, stage.processingRate)
                        + "\(stage.perReplicaRate.map { String(format: "%.1f", $0) } ?? ""),\(stage.perReplicaRateSource ?? "unknown")")
                let event = stage.lastAction != "hold" && stage.lastDecision != lastDecision ? stage.lastDecision.map { "t=\(second) s \($0)" } : nil
                return (stage.runningReplicas, stage.desiredReplicas, event)
            }
            observations = seen
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    /// A controller applying KEDA's formula every HPA sync runs the stage's workers through the
    /// reactor's own process scaler.
    private mutating func underKEDA(
        source: String, plan: TopologyPlan, folder: String, options: RealStepLoad.Options, bootstrap: String
    ) async throws {
        let file = folder + "/step.pf"
        try source.write(toFile: file, atomically: true, encoding: .utf8)
        try await TopicProvisioner(bootstrapServers: bootstrap, logger: RealStepLoad.logger).ensureTopics(
            try plan.topics.map { try TopicSpec(name: $0.name, partitions: $0.partitions, configs: $0.kafkaConfigs) })
        var configuration = ProcessWorkerScalerConfiguration(
            executable: options.packetflow, bootstrapServers: bootstrap, stateDirectory: folder + "/workers")
        configuration.forwardWorkerLogs = false
        let scaler = ProcessWorkerScaler(configuration: configuration, logger: RealStepLoad.logger)
        let worker = WorkerStage(molecule: plan.molecule, stage: plan.stages[0].name, moleculeFile: file)
        try await scaler.setReplicas(1, for: worker)
        let admin = try KafkaTopicAdmin(bootstrapServers: bootstrap)
        var formula = KEDAFormula(lagThreshold: options.lagThreshold, partitions: plan.stages[0].partitions, minReplicas: 1, maxReplicas: 12)
        var desired = 1
        try await drive(plan: plan, options: options, bootstrap: bootstrap) { second in
            let lag = try await admin.lag(group: plan.stages[0].consumerGroup, topic: plan.stages[0].inputTopics[0]).total
            var event: String?
            if second > 0, let decided = formula.desired(at: Double(second), current: desired, lag: Double(lag)), decided != desired {
                event = formula.log.last ?? "t=\(second) s scaled \(desired) -> \(decided)"
                desired = decided
                try await scaler.setReplicas(desired, for: worker)
            }
            return (await scaler.running(worker), desired, event)
        }
        await scaler.shutdown()
    }

    /// Waits for the first worker, feeds the load for the trace's length while sampling every
    /// second (`observe` gives running and desired replicas and acts for its controller), then
    /// waits for the lag to drain and reads the output.
    private mutating func drive(
        plan: TopologyPlan, options: RealStepLoad.Options, bootstrap: String,
        observe: (Int) async throws -> (running: Int, desired: Int, event: String?)
    ) async throws {
        let stage = plan.stages[0]
        let admin = try KafkaTopicAdmin(bootstrapServers: bootstrap)
        let clock = ContinuousClock()
        let warmUp = clock.now + .seconds(60)
        while try await observe(0).running < 1, clock.now < warmUp { try await Task.sleep(for: .milliseconds(200)) }
        // Joining the group takes the embedded broker about 3 s.
        try await Task.sleep(for: .seconds(5))
        let load = LoadDriver(topic: stage.inputTopics[0], bootstrap: bootstrap, rate: options.rate(at:))
        let start = clock.now
        let loading = Task { try await load.run(for: options.duration, from: start) }
        for second in 0..<options.duration {
            try await Task.sleep(until: start + .seconds(second + 1))
            let lag = try await admin.lag(group: stage.consumerGroup, topic: stage.inputTopics[0]).total
            let (running, desired, event) = try await observe(second + 1)
            if let event { events.append(event) }
            samples.append(Sample(second: second + 1, running: running, desired: desired, lag: lag))
            if second % 30 == 29 { RealStepLoad.progress("\(name) t=\(second + 1) s: \(running) replicas, lag \(lag)") }
        }
        packetsIn = try await loading.value
        let drainBy = clock.now + .seconds(120)
        while try await admin.lag(group: stage.consumerGroup, topic: stage.inputTopics[0]).total > 0, clock.now < drainBy {
            _ = try await observe(options.duration)
            try await Task.sleep(for: .seconds(1))
        }
        (packetsOut, distinctOut) = try await Self.readIDs(stage.outputTopics[0], bootstrap: bootstrap)
    }

    /// Records in `topic` and distinct `pf-id`s among them.
    static func readIDs(_ topic: String, bootstrap: String) async throws -> (records: Int, distinct: Int) {
        let admin = try KafkaTopicAdmin(bootstrapServers: bootstrap)
        let total = Int(try await admin.watermarks(topic: topic).reduce(0) { $0 + $1.high - $1.low })
        var configuration = KafkaConsumerConfiguration(bootstrapServers: bootstrap, groupID: "bench-read-\(UUID().uuidString.prefix(6))")
        configuration.autoCommit = false
        let consumer = try KafkaConsumer(configuration: configuration, logger: RealStepLoad.logger)
        try consumer.subscribe(topics: [topic])
        var records = 0
        var ids = Set<String>()
        for await batch in consumer.batches {
            for message in batch {
                records += 1
                if let id = message.headers.last(where: { $0.key == PacketWireFormat.Header.id })?.value {
                    ids.insert(String(decoding: id, as: UTF8.self))
                }
            }
            if records >= total { break }
        }
        try await consumer.close()
        return (records, ids.count)
    }

    static func freePort() -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// What the run measured, as the simulation reports it.
    struct Summary {
        var name: String
        /// From the step's start to the first added replica.
        var reaction: Int?
        /// From the step's end until the lag stays below two seconds of input.
        var drain: Int?
        var replicaSeconds: Int
        var scaleEvents: Int
        var maxReplicas: Int
        var maxLag: Int64
        /// Scale-ins followed by a scale-out within two minutes.
        var flaps: Int
    }

    func summary(_ options: RealStepLoad.Options) -> Summary {
        let stepStart = options.before
        let stepEnd = options.before + options.step
        let before = samples.last { $0.second <= stepStart }?.running ?? 1
        let reaction = samples.first { $0.second > stepStart && $0.desired > before }.map { $0.second - stepStart }
        let normal = Int64(2 * options.baseRate)
        let drainedAt = samples.indices.first { index in
            samples[index].second >= stepEnd && samples[index...].allSatisfy { $0.lag <= normal }
        }
        var changes: [(second: Int, up: Bool)] = []
        for (previous, sample) in zip(samples, samples.dropFirst()) where sample.desired != previous.desired {
            changes.append((sample.second, sample.desired > previous.desired))
        }
        let flaps = zip(changes, changes.dropFirst()).filter { !$0.0.up && $0.1.up && $0.1.second - $0.0.second < 120 }.count
        return Summary(
            name: name, reaction: reaction, drain: drainedAt.map { samples[$0].second - stepEnd },
            replicaSeconds: samples.reduce(0) { $0 + $1.running }, scaleEvents: changes.count,
            maxReplicas: samples.map(\.running).max() ?? 0, maxLag: samples.map(\.lag).max() ?? 0, flaps: flaps)
    }
}
