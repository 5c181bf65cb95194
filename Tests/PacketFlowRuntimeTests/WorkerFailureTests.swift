import Foundation
import PacketFlow
import PacketFlowKafka
import PacketFlowLanguage
import PacketFlowTestSupport
import Testing

/// A Kafka failure inside an ordered lane stops the worker cleanly: no hang, no loss, no reordering.
@Suite("Worker failures", .timeLimit(.minutes(2)))
struct WorkerFailureTests {
    @Test("a CF output the producer refuses stops the worker naming it; nothing after it is dead-lettered, skipped or reordered")
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

            // A producer that refuses records over 10 kB: the large packet's output fails.
            var strict = WorkerConfiguration(plan: plan, stage: stage.name, bootstrapServers: bootstrap)
            strict.producerProperties = ["message.max.bytes": "10000"]
            let failing = try StageWorker(configuration: strict, logger: workerLogger)
            let started = ContinuousClock.now
            let error = await #expect(throws: RuntimeError.self) { try await failing.run() }
            print("the failing worker stopped after \(ContinuousClock.now - started)")
            #expect(error?.code == .kafkaFailed)
            #expect(error?.message.contains("cannot deliver output") == true, "\(String(describing: error))")

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
