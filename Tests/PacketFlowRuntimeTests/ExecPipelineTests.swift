import Foundation
import PacketFlow
import PacketFlowKafka
import PacketFlowLanguage
import PacketFlowTestSupport
import Testing

/// The same pipeline with exec handlers: Python programs speaking the JSON-lines protocol.
@Suite("Processing pipeline with exec handlers", .timeLimit(.minutes(2)))
struct ExecPipelineTests {
    /// examples/worker/processing-pipeline-exec.pf with the script's path made absolute.
    static func execPlan() throws -> TopologyPlan {
        let text = try String(
            contentsOf: packageRoot.appending(path: "examples/worker/processing-pipeline-exec.pf"), encoding: .utf8
        ).replacingOccurrences(of: "python3 examples/", with: "python3 \(packageRoot.path)/examples/")
        return try plan(text, molecule: "ProcessingPipelineExec", uniqueAs: "ExecPipeline\(UUID().uuidString.prefix(6))")
    }

    @Test("N orders in, N out through three Python programs, CF order per key kept")
    func endToEnd() async throws {
        let plan = try Self.execPlan()
        try await withEmbeddedBroker { bootstrap in
            try await provision(plan, bootstrap: bootstrap)
            let workers = try makeWorkers(plan, bootstrap: bootstrap, handlers: HandlerRegistry())
            let orders = SwiftPipelineTests.orders()
            let results = try await withWorkers(workers) {
                try await publishAndRead(orders, to: plan.stages[0].inputTopics[0], from: plan.stages[2].outputTopics[0], bootstrap: bootstrap)
            }
            #expect(results.count == orders.count)
            #expect(Set(results.compactMap { $0.header("pf-id") }) == Set(orders.map { "\($0.id.rawValue):0:0:0" }))
            #expect(results.allSatisfy { (try? JSON.parse($0.value ?? []))?["total"] != nil })
            try await SwiftPipelineTests.expectOrderPerKey(plan, results: results, bootstrap: bootstrap)
        }
    }

    @Test("answers carrying raw CR, VT, FF, U+0085, U+2028 and U+2029 round-trip: responses are framed on newlines only")
    func rawLineSeparatorsInAnswers() async throws {
        let script = FileManager.default.temporaryDirectory.appending(path: "\(uniqueName("separators")).py")
        try """
        import json, sys
        for line in sys.stdin:
            request = json.loads(line)
            output = dict(request["packet"]["payload"], text="a\\r b\\x0b c\\x0c d\\u0085 e\\u2028 f\\u2029 g")
            sys.stdout.write(json.dumps({"id": request["id"], "outputs": [output]}, ensure_ascii=False) + "\\n")
            sys.stdout.flush()
        """.write(to: script, atomically: true, encoding: .utf8)
        let plan = try MoleculeProgram.parse("""
            packet TextPacket { group: DF, handler: exec("python3 \(script.path)"), timeout: 5s }
            molecule Separators\(UUID().uuidString.prefix(6)) { composition: [TextPacket] }
            """).plan()
        try await withEmbeddedBroker { bootstrap in
            try await provision(plan, bootstrap: bootstrap)
            let workers = try makeWorkers(plan, bootstrap: bootstrap, handlers: HandlerRegistry())
            let packets = (0..<200).map { Packet(group: .dataFlow, kind: "n", payload: Array("{\"n\":\($0)}".utf8)) }
            let results = try await withWorkers(workers) {
                try await publishAndRead(packets, to: plan.stages[0].inputTopics[0], from: plan.stages[0].outputTopics[0], bootstrap: bootstrap)
            }
            let texts = Set(results.compactMap { try? JSON.parse($0.value ?? [])["text"]?.stringValue })
            #expect(texts == ["a\r b\u{0B} c\u{0C} d\u{85} e\u{2028} f\u{2029} g"])
            #expect(Set(results.compactMap { $0.header("pf-id") }).count == 200)
        }
    }

    @Test("an exec program that dies is restarted and the packets it held are retried")
    func restartsDeadProgram() async throws {
        let script = FileManager.default.temporaryDirectory.appending(path: "\(uniqueName("dying")).py")
        // Answers until the 5th request, then exits once: the next start remembers it died.
        let marker = script.path + ".died"
        try """
        import json, os, sys
        count = 0
        for line in sys.stdin:
            count += 1
            request = json.loads(line)
            if count == 5 and not os.path.exists("\(marker)"):
                open("\(marker)", "w").close()
                sys.exit(3)
            sys.stdout.write(json.dumps({"id": request["id"], "outputs": [request["packet"]["payload"]]}) + "\\n")
            sys.stdout.flush()
        """.write(to: script, atomically: true, encoding: .utf8)
        let name = "Dying\(UUID().uuidString.prefix(6))"
        let plan = try MoleculeProgram.parse("""
            packet RelayPacket { group: CF, handler: exec("python3 \(script.path)"), timeout: 5s }
            molecule \(name) { composition: [RelayPacket] }
            """).plan()
        try await withEmbeddedBroker { bootstrap in
            try await provision(plan, bootstrap: bootstrap)
            let workers = try makeWorkers(plan, bootstrap: bootstrap, handlers: HandlerRegistry())
            let packets = (0..<20).map { Packet(group: .controlFlow, kind: "n", key: Array("k".utf8), payload: Array("{\"n\":\($0)}".utf8)) }
            let results = try await withWorkers(workers) {
                try await publishAndRead(packets, to: plan.stages[0].inputTopics[0], from: plan.stages[0].outputTopics[0], bootstrap: bootstrap)
            }
            #expect(FileManager.default.fileExists(atPath: marker), "the program never died")
            let numbers = results.compactMap { try? JSON.parse($0.value ?? [])["n"]?.int64Value }
            #expect(numbers == (0..<20).map(Int64.init), "every packet came out once, in order, despite the restart")
        }
    }

    @Test("the fast programs of docs/handlers.md answer every packet", arguments: ["python3 fast.py", "sh seen.sh"])
    func documentedPrograms(_ command: String) async throws {
        let folder = packageRoot.appending(path: "examples/worker/handlers").path
        let (interpreter, file) = (command.split(separator: " ")[0], command.split(separator: " ")[1])
        let plan = try MoleculeProgram.parse("""
            packet SeenPacket { group: DF, handler: exec("\(interpreter) \(folder)/\(file)"), timeout: 10s }
            molecule Documented\(UUID().uuidString.prefix(6)) { composition: [SeenPacket] }
            """).plan()
        try await withEmbeddedBroker { bootstrap in
            try await provision(plan, bootstrap: bootstrap)
            let workers = try makeWorkers(plan, bootstrap: bootstrap, handlers: HandlerRegistry())
            let packets = (0..<500).map { Packet(group: .dataFlow, kind: "n", payload: Array("{\"n\":\($0)}".utf8)) }
            let results = try await withWorkers(workers) {
                try await publishAndRead(packets, to: plan.stages[0].inputTopics[0], from: plan.stages[0].outputTopics[0], bootstrap: bootstrap)
            }
            #expect(Set(results.map(\.text)) == Set((0..<500).map { #"{"n":\#($0),"seen":true}"# }))
        }
    }

    @Test("a program reading requests in bursts and answering each burst in reverse gets every packet its own outputs")
    func burstsOutOfOrder() async throws {
        let script = FileManager.default.temporaryDirectory.appending(path: "\(uniqueName("bursts")).py")
        // Reads whatever has arrived, answers it last first in one write: outputs name their input.
        try """
        import json, os
        rest = b""
        while True:
            chunk = os.read(0, 1 << 16)
            if not chunk:
                break
            *lines, rest = (rest + chunk).split(b"\\n")
            answers = []
            for line in reversed(lines):
                request = json.loads(line)
                n = request["packet"]["payload"]["n"]
                answers.append(json.dumps({"id": request["id"], "outputs": [{"n": n, "copy": 1}, {"n": n, "copy": 2}]}))
            if answers:
                os.write(1, ("\\n".join(answers) + "\\n").encode())
        """.write(to: script, atomically: true, encoding: .utf8)
        let plan = try MoleculeProgram.parse("""
            packet BurstPacket { group: DF, handler: exec("python3 \(script.path)"), timeout: 10s }
            molecule Bursts\(UUID().uuidString.prefix(6)) { composition: [BurstPacket] }
            """).plan()
        try await withEmbeddedBroker { bootstrap in
            try await provision(plan, bootstrap: bootstrap)
            let workers = try makeWorkers(plan, bootstrap: bootstrap, handlers: HandlerRegistry())
            let packets = (0..<3_000).map { Packet(group: .dataFlow, kind: "n", payload: Array("{\"n\":\($0)}".utf8)) }
            let results = try await withWorkers(workers) {
                try await publishAndRead(
                    packets, to: plan.stages[0].inputTopics[0], from: plan.stages[0].outputTopics[0], bootstrap: bootstrap, expecting: 6_000)
            }
            #expect(results.count == 6_000)
            let inputIDs = Dictionary(uniqueKeysWithValues: packets.enumerated().map { (Int64($0.offset), $0.element.id.rawValue) })
            for result in results {
                let payload = try JSON.parse(result.value ?? [])
                let n = try #require(payload["n"]?.int64Value)
                let copy = try #require(payload["copy"]?.int64Value)
                // Output i of input n carries id <input id>:<i>: the answer went to its own packet.
                #expect(result.header("pf-id") == "\(inputIDs[n]!):\(copy - 1)")
            }
        }
    }

    @Test("a program that dies in the middle of a burst loses nothing: what it did not answer is retried")
    func diesMidBurst() async throws {
        let script = FileManager.default.temporaryDirectory.appending(path: "\(uniqueName("midburst")).py")
        let marker = script.path + ".died"
        // The first copy answers half of its first large burst, then dies; the next copy answers all.
        try """
        import json, os, sys
        rest = b""
        while True:
            chunk = os.read(0, 1 << 16)
            if not chunk:
                break
            *lines, rest = (rest + chunk).split(b"\\n")
            answers = [json.dumps({"id": json.loads(l)["id"], "outputs": [json.loads(l)["packet"]["payload"]]}) for l in lines]
            if len(lines) > 20 and not os.path.exists("\(marker)"):
                open("\(marker)", "w").close()
                os.write(1, ("\\n".join(answers[: len(answers) // 2]) + "\\n").encode())
                os._exit(3)
            if answers:
                os.write(1, ("\\n".join(answers) + "\\n").encode())
        """.write(to: script, atomically: true, encoding: .utf8)
        let plan = try MoleculeProgram.parse("""
            packet HalfPacket { group: DF, handler: exec("python3 \(script.path)"), timeout: 10s }
            molecule MidBurst\(UUID().uuidString.prefix(6)) { composition: [HalfPacket] }
            """).plan()
        try await withEmbeddedBroker { bootstrap in
            try await provision(plan, bootstrap: bootstrap)
            let workers = try makeWorkers(plan, bootstrap: bootstrap, handlers: HandlerRegistry())
            let packets = (0..<2_000).map { Packet(group: .dataFlow, kind: "n", payload: Array("{\"n\":\($0)}".utf8)) }
            let (results, dead) = try await withWorkers(workers) {
                let results = try await publishAndRead(
                    packets, to: plan.stages[0].inputTopics[0], from: plan.stages[0].outputTopics[0], bootstrap: bootstrap)
                return (results, try await KafkaTopicAdmin(bootstrapServers: bootstrap).watermarks(topic: plan.deadLetterTopic))
            }
            #expect(FileManager.default.fileExists(atPath: marker), "the program never died")
            let numbers = results.compactMap { try? JSON.parse($0.value ?? [])["n"]?.int64Value }
            #expect(Set(numbers) == Set((0..<2_000).map(Int64.init)))
            #expect(numbers.count == 2_000, "an answered request is not sent again")
            #expect(dead.reduce(0) { $0 + $1.high } == 0, "nothing dead-lettered")
        }
    }

    @Test("an exec program that hangs past the timeout is killed; the packet is retried, then dead-lettered")
    func timeoutKillsProgram() async throws {
        let script = FileManager.default.temporaryDirectory.appending(path: "\(uniqueName("slow")).py")
        try """
        import json, sys, time
        for line in sys.stdin:
            request = json.loads(line)
            if request["packet"]["payload"].get("hang"):
                time.sleep(60)
            sys.stdout.write(json.dumps({"id": request["id"], "outputs": [request["packet"]["payload"]]}) + "\\n")
            sys.stdout.flush()
        """.write(to: script, atomically: true, encoding: .utf8)
        let name = "Slow\(UUID().uuidString.prefix(6))"
        // The timeout leaves room for python's start on a 2-core machine running the whole suite
        // (2 s was too short there); the hang is 60 s.
        let plan = try MoleculeProgram.parse("""
            packet SlowPacket { group: CF, handler: exec("python3 \(script.path)"), timeout: 5s, retries: 1 }
            molecule \(name) { composition: [SlowPacket] }
            """).plan()
        try await withEmbeddedBroker { bootstrap in
            try await provision(plan, bootstrap: bootstrap)
            let workers = try makeWorkers(plan, bootstrap: bootstrap, handlers: HandlerRegistry())
            let packets = [#"{"n":1}"#, #"{"n":2,"hang":true}"#, #"{"n":3}"#].map {
                Packet(group: .controlFlow, kind: "n", key: Array("k".utf8), payload: Array($0.utf8))
            }
            let (outputs, dead, programs) = try await withWorkers(workers) {
                let outputs = try await publishAndRead(packets, to: plan.stages[0].inputTopics[0], from: plan.stages[0].outputTopics[0], bootstrap: bootstrap, expecting: 2)
                let dead = try await readTopic(plan.deadLetterTopic, atLeast: 1, bootstrap: bootstrap)
                return (outputs, dead, Self.processes(running: script.path))
            }
            // The shell forks python: killing only the shell would leave each hanging program
            // behind, holding the worker's pipe open until its sleep ends.
            #expect(programs == 1, "programs of the script still alive: the one answering, and no killed one")
            #expect(outputs.map(\.text).sorted() == [#"{"n":1}"#, #"{"n":3}"#])
            #expect(dead.count == 1)
            #expect(dead.first?.header("pf-dlq-reason")?.contains("did not answer within") == true)
            #expect(dead.first?.header("pf-attempt") == "2")
        }
    }

    /// How many live processes are `python3 <script>` (their shells, `sh -c ...`, not counted).
    static func processes(running script: String) -> Int {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { entry in
            guard entry.allSatisfy(\.isNumber),
                  let commandLine = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline")
            else { return false }
            let arguments = commandLine.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return arguments.first?.hasSuffix("python3") == true && arguments.dropFirst().first == script
        }.count
    }
}
