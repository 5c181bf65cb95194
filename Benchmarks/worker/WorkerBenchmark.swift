// The worker benchmark: a passthrough DF stage's throughput against a pipelined librdkafka
// relay in C on the same embedded broker, CF and ED forward stages' throughput against DF's,
// an ED packet's end-to-end latency at fixed rates through a one-stage molecule, and the
// worker's memory idle and under load.
//
// Run it with Benchmarks/worker/run.sh (release build, compiles relay.c). Workers run as
// child processes (this executable in worker mode: what `packetflow worker` does, through
// WorkerLauncher), as the reactor starts them; the embedded cluster runs in this process.
import Foundation
import Logging
import PacketFlow
import PacketFlowBroker
import PacketFlowKafka
import ServiceLifecycle
import Subprocess
import Synchronization

@main
struct WorkerBenchmark {
    struct Options {
        var relay = ""
        var messages = 100_000
        var rates = [1_000, 10_000]
        var seconds = 10
        /// The throughput rows to run: the relay; the DF, CF and ED workers; a DF worker whose
        /// exec handler is a Python program, and the same transform as a hand-written Python loop.
        var rows = ["relay", "DF", "CF", "ED", "exec", "python", "lanes"]
        /// The Python of the exec and hand-written rows (confluent-kafka installed for the latter).
        var python = "python3"
        /// Copies of the exec row's program (the packet's `instances:`).
        var instances = 1
        /// The lanes row's lanes (the CF packet's `concurrency:`), against one lane.
        var lanes = 16

        init(_ arguments: [String]) throws {
            var index = 1
            func value() throws -> String {
                index += 1
                guard index < arguments.count else { throw BenchmarkError("missing value for \(arguments[index - 1])") }
                return arguments[index]
            }
            while index < arguments.count {
                switch arguments[index] {
                case "--relay": relay = try value()
                case "--messages": messages = Int(try value()) ?? messages
                case "--rates": rates = try value().split(separator: ",").map { Int($0) ?? 1_000 }
                case "--seconds": seconds = Int(try value()) ?? seconds
                case "--rows": rows = try value().split(separator: ",").map(String.init)
                case "--python": python = try value()
                case "--instances": instances = Int(try value()) ?? instances
                case "--lanes": lanes = Int(try value()) ?? lanes
                default: throw BenchmarkError("unknown option \(arguments[index])")
                }
                index += 1
            }
            guard !relay.isEmpty else {
                throw BenchmarkError("usage: WorkerBenchmark --relay PATH [--messages N] [--rates R,R...] [--seconds S] [--rows relay,DF,CF,ED,exec,python,lanes] [--python PATH] [--instances N] [--lanes N]")
            }
        }
    }

    struct BenchmarkError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static func main() async throws {
        let arguments = CommandLine.arguments
        if arguments.count == 5, arguments[1] == "worker" {
            // Worker mode: one stage with built-in handlers, until SIGTERM.
            try await WorkerLauncher.run(
                moleculeFile: arguments[2], stage: arguments[3], bootstrapServers: arguments[4], handlers: HandlerRegistry(),
                logger: Logger(label: "bench.worker") { _ in SwiftLogNoOpLogHandler() })
            return
        }
        let options = try Options(arguments)
        let logger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
        let cluster = try await EmbeddedClusterService.start(brokers: 1, logger: logger)
        let group = ServiceGroup(services: [cluster], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let bootstrap = cluster.bootstrapServers
            let folder = FileManager.default.temporaryDirectory.appending(path: "worker-bench-\(UUID().uuidString.prefix(6))")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)

            var measured: [String: Throughput] = [:]
            for row in options.rows {
                progress("\(row): \(options.messages) messages")
                switch row {
                case "relay": measured[row] = try await relayThroughput(options, bootstrap: bootstrap)
                case "python": measured[row] = try await handLoopThroughput(options, bootstrap: bootstrap)
                case "exec": measured[row] = try await workerThroughput(options, group: "DF", exec: true, bootstrap: bootstrap, folder: folder)
                case "lanes":
                    measured["lane"] = try await laneThroughput(options, lanes: 1, messages: 300, bootstrap: bootstrap, folder: folder)
                    measured[row] = try await laneThroughput(options, lanes: options.lanes, messages: 300 * options.lanes, bootstrap: bootstrap, folder: folder)
                default: measured[row] = try await workerThroughput(options, group: row, bootstrap: bootstrap, folder: folder)
                }
            }
            func cpu(_ run: Throughput) -> String { String(format: "%.2f", run.cpuPer100k) }
            func ratio(_ a: Double?, _ b: Double?) -> String {
                guard let a, let b else { return "" }
                return String(format: "%.2fx", a / b)
            }
            let names = [
                "relay": "C relay (pipelined librdkafka consume-produce-store)", "DF": #"worker, DF builtin("passthrough")"#,
                "CF": #"worker, CF builtin("forward"), 1,000 keys"#, "ED": #"worker, ED builtin("forward")"#,
                "exec": #"worker, DF exec("python3 fast.py"), instances: \#(options.instances) (load, set a field, dump), worker + programs"#,
                "python": "the same transform in a hand-written confluent-kafka loop (handloop.py)",
                "lane": #"worker, CF exec("python3 slow.py") (10 ms a packet, answered side by side), 64 keys, 1 partition, one lane"#,
                "lanes": #"the same with concurrency: \#(options.lanes) (key lanes)"#,
            ]
            print("""
                | measurement | msg/s | vs baseline | vs DF | CPU per 100k | CPU vs baseline | peak RSS |
                |---|---|---|---|---|---|---|
                """)
            for row in options.rows.flatMap({ $0 == "lanes" ? ["lane", "lanes"] : [$0] }) {
                guard let run = measured[row] else { continue }
                // The exec row is compared with the hand-written loop, the lanes with one lane, the
                // others with the C relay.
                let relay = switch row {
                case "exec": measured["python"]
                case "lanes": measured["lane"]
                case "python", "lane": Throughput?.none
                default: measured["relay"]
                }
                let dataFlow = ["exec", "python", "lane", "lanes"].contains(row) ? nil : measured["DF"]
                print(
                    "| \(names[row] ?? row) | \(Int(run.rate)) | \(ratio(run.rate, relay?.rate)) | \(ratio(run.rate, dataFlow?.rate)) "
                        + "| \(cpu(run)) s | \(ratio(run.cpuPer100k, relay?.cpuPer100k)) | \(run.peakKB / 1024) MB |")
            }
            if ProcessInfo.processInfo.environment["BENCH_THROUGHPUT_ONLY"] != nil {
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return
            }
            print("""

                | ED end-to-end latency | p50 | p99 | max | packets | worker RSS idle | worker RSS after |
                |---|---|---|---|---|---|---|
                """)
            for rate in options.rates {
                progress("ED latency: \(rate)/s for \(options.seconds) s")
                let latency = try await edLatency(options, rate: rate, bootstrap: bootstrap, folder: folder)
                func ms(_ value: Double) -> String { String(format: "%.1f ms", value) }
                print("| at \(rate)/s for \(options.seconds) s | \(ms(latency.p50)) | \(ms(latency.p99)) | \(ms(latency.max)) | \(latency.count) | \(latency.idleKB / 1024) MB | \(latency.loadedKB / 1024) MB |")
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    static func progress(_ line: String) {
        FileHandle.standardError.write(Data("bench: \(line)\n".utf8))
    }

    // MARK: throughput

    /// Messages per second the C relay moves, measured on its output topic, and its CPU time.
    static func relayThroughput(_ options: Options, bootstrap: String) async throws -> Throughput {
        let input = "bench.relay.in.\(UUID().uuidString.prefix(6))"
        let output = "bench.relay.out.\(UUID().uuidString.prefix(6))"
        try await TopicProvisioner(bootstrapServers: bootstrap).ensureTopics([
            try TopicSpec(name: input, partitions: 12), try TopicSpec(name: output, partitions: 12),
        ])
        try await prefill(input, count: options.messages, bootstrap: bootstrap)
        progress("prefilled \(input)")
        let relay = ChildProcess()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await relay.run(
                    options.relay, arguments: [bootstrap, input, output, "bench-relay-\(UUID().uuidString.prefix(6))", String(options.messages)])
            }
            let throughput = try await measureArrivals(output, count: options.messages, bootstrap: bootstrap, of: relay)
            try await group.waitForAll()
            return throughput
        }
    }

    /// Messages per second one worker process moves through a one-stage molecule of `group`
    /// (DF passthrough, CF and ED forward, all on 12 partitions), its CPU time and its peak RSS.
    static func workerThroughput(
        _ options: Options, group: String, exec: Bool = false, bootstrap: String, folder: URL
    ) async throws -> Throughput {
        let packet = exec ? "TransformPacket" : "\(group)RelayPacket"
        let handler = exec
            ? #"exec("\#(options.python) \#(fastProgram.path)")"#
            : #"builtin("\#(group == "DF" ? "passthrough" : "forward")")"#
        let (file, plan) = try await oneStageMolecule(
            packet, group: group, folder: folder, bootstrap: bootstrap,
            settings: ", partitions: 12" + (exec ? ", instances: \(options.instances)" : ""), handler: handler)
        try await prefill(plan.stages[0].inputTopics[0], count: options.messages, bootstrap: bootstrap)
        let worker = ChildProcess()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.runWorker(molecule: file.path, stage: packet, bootstrap: bootstrap) }
            var throughput = try await measureArrivals(plan.stages[0].outputTopics[0], count: options.messages, bootstrap: bootstrap, of: worker)
            throughput.peakKB = max(throughput.peakKB, worker.memory("VmHWM"))
            worker.terminate()
            try await group.waitForAll()
            return throughput
        }
    }

    /// Packets per second one CF worker moves through a 10 ms exec handler over 64 keys in one
    /// partition with `lanes` key lanes (one lane: what one partition gives in Kafka Streams).
    static func laneThroughput(_ options: Options, lanes: Int, messages: Int, bootstrap: String, folder: URL) async throws -> Throughput {
        let packet = "LanePacket\(lanes)"
        let handler = #"exec("\#(options.python) \#(pythonFolder.appending(path: "slow.py").path)")"#
        let (file, plan) = try await oneStageMolecule(
            packet, group: "CF", folder: folder, bootstrap: bootstrap, settings: ", partitions: 1, concurrency: \(lanes)", handler: handler)
        try await prefill(plan.stages[0].inputTopics[0], count: messages, keys: 64, partitions: 1, bootstrap: bootstrap)
        let worker = ChildProcess()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.runWorker(molecule: file.path, stage: packet, bootstrap: bootstrap) }
            var throughput = try await measureArrivals(plan.stages[0].outputTopics[0], count: messages, bootstrap: bootstrap, of: worker)
            throughput.peakKB = max(throughput.peakKB, worker.memory("VmHWM"))
            worker.terminate()
            try await group.waitForAll()
            return throughput
        }
    }

    /// Benchmarks/worker/python: the lanes row's program and the hand-written loop.
    static let pythonFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "python")
    /// The exec row's program: the fast Python program of docs/handlers.md.
    static let fastProgram = pythonFolder.appending(path: "../../../examples/worker/handlers/fast.py").standardized

    /// Messages per second the hand-written Python loop moves through the same transform as the
    /// exec row, measured as the others.
    static func handLoopThroughput(_ options: Options, bootstrap: String) async throws -> Throughput {
        let input = "bench.python.in.\(UUID().uuidString.prefix(6))"
        let output = "bench.python.out.\(UUID().uuidString.prefix(6))"
        try await TopicProvisioner(bootstrapServers: bootstrap).ensureTopics([
            try TopicSpec(name: input, partitions: 12), try TopicSpec(name: output, partitions: 12),
        ])
        try await prefill(input, count: options.messages, bootstrap: bootstrap)
        let loop = ChildProcess()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await loop.run(
                    options.python, arguments: [
                        pythonFolder.appending(path: "handloop.py").path, bootstrap, input, output,
                        "bench-python-\(UUID().uuidString.prefix(6))", String(options.messages),
                    ])
            }
            let throughput = try await measureArrivals(output, count: options.messages, bootstrap: bootstrap, of: loop)
            try await group.waitForAll()
            return throughput
        }
    }

    /// What one throughput run measured.
    struct Throughput {
        /// Messages a second on the output topic.
        var rate: Double
        /// User plus system CPU seconds the process spent per 100,000 of them.
        var cpuPer100k: Double
        /// The process's peak RSS in kB.
        var peakKB = -1
    }

    /// Writes a molecule of one built-in stage of `group` and creates its topics.
    static func oneStageMolecule(
        _ packet: String, group: String, folder: URL, bootstrap: String, settings: String = "", handler: String = #"builtin("forward")"#
    ) async throws -> (URL, TopologyPlan) {
        let text = """
            packet \(packet) { group: \(group), handler: \(handler)\(settings) }
            molecule Bench\(packet)\(UUID().uuidString.prefix(6)) { composition: [\(packet)] }
            """
        let file = folder.appending(path: "\(packet).pf")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let plan = try MoleculeProgram.parse(text).plan()
        try await TopicProvisioner(bootstrapServers: bootstrap).ensureTopics(
            try plan.topics.map { try TopicSpec(name: $0.name, partitions: $0.partitions) })
        return (file, plan)
    }

    /// Fills `topic` with `count` DF packets of about 100 bytes over 12 partitions, keyed by one
    /// of 1,000 users, as a producer would.
    static func prefill(_ topic: String, count: Int, keys: Int = 1_000, partitions: Int32 = 12, bootstrap: String) async throws {
        var configuration = KafkaProducerConfiguration(bootstrapServers: bootstrap)
        configuration.linger = .milliseconds(20)
        let producer = try KafkaProducer(configuration: configuration)
        for index in 0..<count {
            let packet = Packet(
                group: .dataFlow, kind: "reading",
                payload: Array(#"{"sensor":"s-\#(index % 97)","value":\#(index),"unit":"celsius","note":"benchmark payload"}"#.utf8))
            let record = PacketWireFormat.record(for: packet, topic: topic)
            try await producer.enqueue(KafkaProducerMessage(
                topic: topic, key: Array("user-\(index % keys)".utf8), value: record.value,
                headers: record.headers.map { KafkaHeader(key: $0.name, value: $0.value) },
                partition: Int32(index % keys) % partitions))
        }
        try await producer.flush(timeout: .seconds(60))
        await producer.close()
    }

    /// Rate at which `topic` grows from its first record to `count`, sampling the watermarks,
    /// and the CPU time `process` spent meanwhile.
    static func measureArrivals(_ topic: String, count: Int, bootstrap: String, of process: ChildProcess) async throws -> Throughput {
        let admin = try KafkaTopicAdmin(bootstrapServers: bootstrap)
        var first: (instant: ContinuousClock.Instant, count: Int, cpuSeconds: Double)?
        var peakKB = -1
        let deadline = ContinuousClock.now + .seconds(300)
        while ContinuousClock.now < deadline {
            let total = Int(try await admin.watermarks(topic: topic).reduce(0) { $0 + $1.high })
            let now = ContinuousClock.now
            // Read on every sample: the relay exits as soon as it is done.
            let cpuSeconds = process.cpuSeconds()
            peakKB = max(peakKB, process.memory("VmHWM"))
            if first == nil, total > 0 {
                first = (now, total, cpuSeconds)
            }
            if let first, total >= count {
                let elapsed = now - first.instant
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                let moved = Double(max(total - first.count, 1))
                return Throughput(
                    rate: moved / max(seconds, 1e-3),
                    cpuPer100k: (cpuSeconds - first.cpuSeconds) / moved * 100_000, peakKB: peakKB)
            }
            try await Task.sleep(for: .milliseconds(2))
        }
        throw BenchmarkError("\(topic) did not reach \(count) records")
    }

    // MARK: latency

    /// End-to-end latency of ED packets sent at `rate` a second through a one-stage molecule.
    static func edLatency(_ options: Options, rate: Int, bootstrap: String, folder: URL) async throws
        -> (p50: Double, p99: Double, max: Double, count: Int, idleKB: Int, loadedKB: Int)
    {
        let packet = "AlertPacket\(rate)"
        let (file, plan) = try await oneStageMolecule(packet, group: "ED", folder: folder, bootstrap: bootstrap)
        let input = plan.stages[0].inputTopics[0]
        let output = plan.stages[0].outputTopics[0]

        var consumerConfiguration = KafkaConsumerConfiguration(bootstrapServers: bootstrap, groupID: "bench-latency-\(UUID().uuidString.prefix(6))")
        // The observer's own fetch wait is kept short so the figure is the worker's, not the reader's.
        consumerConfiguration.fetchWaitMax = .milliseconds(1)
        consumerConfiguration.pollBatchSize = 1
        consumerConfiguration.autoCommit = false
        let consumer = try KafkaConsumer(configuration: consumerConfiguration)
        try consumer.subscribe(topics: [output])
        var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: bootstrap)
        producerConfiguration.linger = .milliseconds(1)
        let producer = try KafkaProducer(configuration: producerConfiguration)
        let samples = LatencySamples()
        let worker = ChildProcess()

        let result = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.runWorker(molecule: file.path, stage: packet, bootstrap: bootstrap) }
            group.addTask {
                for await batch in consumer.batches {
                    let now = wallMicroseconds()
                    for message in batch {
                        guard let sent = (try? JSON.parse(message.value ?? []))?["sentMicros"]?.int64Value else { continue }
                        if sent < 0 {
                            samples.markWarm()
                        } else {
                            samples.add(Double(now - sent) / 1_000)
                        }
                    }
                }
            }
            // Warm up until worker and reader are both in their groups and a packet went through.
            while !samples.isWarm {
                try await send(producer, input, sentMicros: -1)
                try await Task.sleep(for: .milliseconds(200))
            }
            try await Task.sleep(for: .seconds(1))
            let idle = worker.memory("VmRSS")
            let total = rate * options.seconds
            let start = ContinuousClock.now
            for index in 0..<total {
                let due = start + .microseconds(Int64(index) * 1_000_000 / Int64(rate))
                if due > ContinuousClock.now { try await Task.sleep(until: due, clock: .continuous) }
                try await send(producer, input, sentMicros: wallMicroseconds())
            }
            let deadline = ContinuousClock.now + .seconds(10)
            while samples.count < total, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            let loaded = worker.memory("VmRSS")
            worker.terminate()
            try await consumer.close()
            try await group.waitForAll()
            let sorted = samples.values.sorted()
            func percentile(_ p: Double) -> Double { sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
            return (percentile(0.5), percentile(0.99), sorted.last ?? .nan, sorted.count, idle, loaded)
        }
        await producer.close()
        return result
    }

    static func send(_ producer: KafkaProducer, _ topic: String, sentMicros: Int64) async throws {
        let packet = Packet(group: .eventDriven, kind: "alert", payload: Array(#"{"sentMicros":\#(sentMicros)}"#.utf8))
        let record = PacketWireFormat.record(for: packet, topic: topic)
        try await producer.enqueue(KafkaProducerMessage(
            topic: topic, value: record.value, headers: record.headers.map { KafkaHeader(key: $0.name, value: $0.value) }))
    }

    static func wallMicroseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1_000
    }
}

/// A child process whose memory and CPU time can be read and which can be stopped: the relay,
/// or this executable in worker mode.
final class ChildProcess: Sendable {
    private let pid = Mutex<pid_t?>(nil)
    private let lastCPUSeconds = Mutex<Double>(0)

    /// Runs this executable in worker mode until it exits.
    func runWorker(molecule: String, stage: String, bootstrap: String) async throws {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        try await run(executable, arguments: ["worker", molecule, stage, bootstrap])
    }

    /// Runs `executable` until it exits, its output discarded.
    func run(_ executable: String, arguments: [String]) async throws {
        _ = try await Subprocess.run(
            .path(.init(executable)), arguments: .init(arguments),
            input: .none, output: .discarded, error: .discarded
        ) { execution in
            pid.withLock { $0 = execution.processIdentifier.value }
        }
    }

    /// A `/proc/PID/status` memory field in kB (VmRSS now, VmHWM peak), summed over the process
    /// and its descendants (a worker's exec programs).
    func memory(_ field: String) -> Int {
        guard let pid = pid.withLock({ $0 }) else { return -1 }
        let values = Self.tree(pid).compactMap { process -> Int? in
            guard let status = try? String(contentsOfFile: "/proc/\(process)/status", encoding: .utf8) else { return nil }
            let line = status.split(separator: "\n").first { $0.hasPrefix(field + ":") } ?? ""
            return Int(line.split(separator: " ").dropFirst().first ?? "")
        }
        return values.isEmpty ? -1 : values.reduce(0, +)
    }

    /// User plus system CPU seconds so far of the process and its descendants, from
    /// `/proc/PID/stat`: 0 before the process started, the last figure read once it has exited.
    func cpuSeconds() -> Double {
        guard let pid = pid.withLock({ $0 }) else { return lastCPUSeconds.withLock { $0 } }
        var total = 0.0
        var found = false
        for process in Self.tree(pid) {
            guard let stat = try? String(contentsOfFile: "/proc/\(process)/stat", encoding: .utf8),
                let afterName = stat.lastIndex(of: ")")
            else { continue }
            // After the command name come the state (the line's 3rd field), ..., utime (14th), stime (15th).
            let fields = stat[stat.index(after: afterName)...].split(separator: " ")
            guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { continue }
            total += (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
            found = true
        }
        guard found else { return lastCPUSeconds.withLock { $0 } }
        lastCPUSeconds.withLock { $0 = max($0, total) }
        return lastCPUSeconds.withLock { $0 }
    }

    /// `pid` and its descendants, from `/proc/PID/task/TID/children`.
    private static func tree(_ pid: pid_t) -> [pid_t] {
        var processes = [pid]
        var index = 0
        while index < processes.count {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(processes[index])/task")) ?? []
            for task in tasks {
                let children = (try? String(contentsOfFile: "/proc/\(processes[index])/task/\(task)/children", encoding: .utf8)) ?? ""
                processes += children.split(separator: " ").compactMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            }
            index += 1
        }
        return processes
    }

    /// SIGTERM: a worker drains and exits.
    func terminate() {
        if let pid = pid.withLock({ $0 }) { kill(pid, SIGTERM) }
    }
}

/// Latencies in milliseconds as the reader measures them, and whether the warm-up packet came back.
final class LatencySamples: Sendable {
    private let state = Mutex<(warm: Bool, values: [Double])>((false, []))

    func markWarm() { state.withLock { $0.warm = true } }
    func add(_ milliseconds: Double) { state.withLock { $0.values.append(milliseconds) } }
    var isWarm: Bool { state.withLock { $0.warm } }
    var count: Int { state.withLock { $0.values.count } }
    var values: [Double] { state.withLock { $0.values } }
}
