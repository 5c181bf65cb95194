import Foundation
import PacketFlow
import PacketFlowKafka
import PacketFlowLanguage
import PacketFlowTestSupport
import Testing

/// An output no retry could send dead-letters its input; a Kafka failure that leaves nowhere
/// to put a packet (inside an ordered lane) stops the worker cleanly: no hang, no loss, no
/// reordering.
@Suite("Worker failures", .timeLimit(.minutes(2)))
struct WorkerFailureTests {
    @Test(
        "an output larger than the producer may send dead-letters its input with the reason, and the stage goes on",
        arguments: [PacketGroup.dataFlow, .controlFlow])
    func oversizedOutput(group: PacketGroup) async throws {
        // Packet 7's answer is 2 MB, twice librdkafka's default message.max.bytes; packet 9's
        // second output is as large, its first a small one.
        let script = FileManager.default.temporaryDirectory.appending(path: "\(uniqueName("oversized")).py")
        try """
        import json, sys
        for line in sys.stdin:
            request = json.loads(line)
            payload = request["packet"]["payload"]
            outputs = [payload]
            if payload["n"] == 7:
                outputs = [dict(payload, pad="x" * 2000000)]
            if payload["n"] == 9:
                outputs = [payload, dict(payload, pad="x" * 2000000)]
            sys.stdout.write(json.dumps({"id": request["id"], "outputs": outputs}) + "\\n")
            sys.stdout.flush()
        """.write(to: script, atomically: true, encoding: .utf8)
        let plan = try MoleculeProgram.parse("""
            packet BigPacket { group: \(group.symbol), handler: exec("python3 \(script.path)"), partitions: 2, timeout: 10s }
            molecule Oversized\(UUID().uuidString.prefix(6)) { composition: [BigPacket] }
            """).plan()
        let stage = plan.stages[0]
        try await withEmbeddedBroker { bootstrap in
            try await provision(plan, bootstrap: bootstrap)
            let packets = (0..<40).map {
                var packet = Packet(group: group, kind: "n", key: Array("k\($0 % 4)".utf8), payload: Array(#"{"n":\#($0)}"#.utf8))
                // Inputs on their second attempt: their dead letters say so.
                packet.attempt = 2
                return packet
            }
            let workers = try makeWorkers(plan, bootstrap: bootstrap, handlers: HandlerRegistry())
            let (outputs, deadLetters) = try await withWorkers(workers) {
                try await publish(packets, to: stage.inputTopics[0], bootstrap: bootstrap)
                let outputs = try await readTopic(stage.outputTopics[0], atLeast: 39, bootstrap: bootstrap)
                let deadLetters = try await readTopic(plan.deadLetterTopic, atLeast: 2, bootstrap: bootstrap)
                try await waitUntilCommitted(group: stage.consumerGroup, topic: stage.inputTopics[0], bootstrap: bootstrap)
                return (outputs, deadLetters)
            }
            let numbers = outputs.compactMap { try? JSON.parse($0.value ?? [])["n"]?.int64Value }
            #expect(Set(numbers) == Set((0..<40).filter { $0 != 7 }.map(Int64.init)))
            #expect(deadLetters.count == 2)
            let reasons = Dictionary(
                deadLetters.map { ((try? JSON.parse($0.value ?? [])["n"]?.int64Value) ?? -1, $0.header(DeadLetterHeader.reason) ?? "") },
                uniquingKeysWith: { first, _ in first })
            #expect(reasons.keys.sorted() == [7, 9])
            #expect(reasons[7]?.contains("exceeds the largest message the producer may send") == true, "\(reasons)")
            #expect(reasons[9]?.contains("output 2 of 2") == true && reasons[9]?.contains("stay sent") == true, "\(reasons)")
            #expect(deadLetters.map { $0.header(PacketWireFormat.Header.attempt) } == ["2", "2"])
        }
    }

    @Test("a CF output refused for its size whose dead-letter record is refused too stops the worker naming it; nothing is skipped or reordered")
    func refusedOutputInALane() async throws {
        let plan = try MoleculeProgram.parse("""
            packet StepPacket { group: CF, handler: builtin("forward"), partitions: 1 }
            molecule Refused\(UUID().uuidString.prefix(6)) { composition: [StepPacket] }
            """).plan()
        let stage = plan.stages[0]
        try await withEmbeddedBroker { bootstrap in
            try await provision(plan, bootstrap: bootstrap)
            // 200 small packets, one of 20 kB, 200 small ones.
            let packets = (0..<401).map { index in
                let padding = index == 200 ? String(repeating: "x", count: 20_000) : ""
                return Packet(group: .controlFlow, kind: "step", payload: Array(#"{"seq":\#(index),"pad":"\#(padding)"}"#.utf8))
            }
            try await publish(packets, to: stage.inputTopics[0], bootstrap: bootstrap)

            // A producer that refuses records over 10 kB: the large packet's output is refused,
            // and so is its dead-letter record, which carries the 20 kB input.
            var strict = WorkerConfiguration(plan: plan, stage: stage.name, bootstrapServers: bootstrap)
            strict.producerProperties = ["message.max.bytes": "10000"]
            let failing = try StageWorker(configuration: strict, logger: workerLogger)
            let started = ContinuousClock.now
            let error = await #expect(throws: RuntimeError.self) { try await failing.run() }
            print("the failing worker stopped after \(ContinuousClock.now - started)")
            #expect(error?.code == .kafkaFailed)
            #expect(error?.message.contains("cannot deliver dead-letter record") == true, "\(String(describing: error))")

            let admin = try KafkaTopicAdmin(bootstrapServers: bootstrap)
            let committed = try await admin.lag(group: stage.consumerGroup, topic: stage.inputTopics[0]).partitions.first?.committed ?? -1
            #expect(committed <= 200, "committed past the refused packet: \(committed)")
            #expect(try await admin.watermarks(topic: plan.deadLetterTopic).reduce(0) { $0 + $1.high } == 0, "something was dead-lettered")

            // The next worker starts from the committed offset: every packet out, in order.
            let workers = try makeWorkers(plan, bootstrap: bootstrap, handlers: HandlerRegistry())
            let results = try await withWorkers(workers) {
                try await readTopic(stage.outputTopics[0], atLeast: packets.count + max(0, 200 - Int(committed)), bootstrap: bootstrap)
            }
            var seen: Set<Int64> = []
            let firstDeliveries = results.sorted { $0.offset < $1.offset }
                .compactMap { (try? JSON.parse($0.value ?? []))?["seq"]?.int64Value }
                .filter { seen.insert($0).inserted }
            #expect(firstDeliveries == (0..<401).map(Int64.init))
        }
    }
}
