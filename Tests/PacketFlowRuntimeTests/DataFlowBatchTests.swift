import Foundation
import PacketFlow
import PacketFlowKafka
import PacketFlowLanguage
import PacketFlowTestSupport
import Testing

/// The data-flow batch path: slices handled side by side, confirmed by delivery groups.
@Suite("Data-flow stages with built-in handlers", .timeLimit(.minutes(2)))
struct DataFlowBatchTests {
    @Test("every packet over 12 partitions comes out once, undecodable ones are dead-lettered, and every input is committed")
    func everyPacketOnce() async throws {
        let plan = try MoleculeProgram.parse("""
            packet CopyPacket { group: DF, handler: builtin("forward") }
            molecule Copy\(UUID().uuidString.prefix(6)) { composition: [CopyPacket] }
            """).plan()
        let stage = plan.stages[0]
        let packets = (0..<6_000).map { index in
            Packet(group: .dataFlow, kind: "reading", key: Array("sensor-\(index % 97)".utf8), payload: Array(#"{"n":\#(index)}"#.utf8))
        }
        try await withEmbeddedBroker { bootstrap in
            try await provision(plan, bootstrap: bootstrap)
            let workers = try makeWorkers(plan, bootstrap: bootstrap, handlers: HandlerRegistry())
            let (outputs, dead) = try await withWorkers(workers) {
                let input = stage.inputTopics[0]
                try await publish(Array(packets[..<3_000]), to: input, bootstrap: bootstrap)
                try await publishRaw(
                    [(key: "bad", value: #"{"n": oops"#, headers: []), (key: "bad", value: "[1,", headers: [])],
                    to: input, bootstrap: bootstrap)
                try await publish(Array(packets[3_000...]), to: input, bootstrap: bootstrap)
                let outputs = try await readTopic(stage.outputTopics[0], atLeast: packets.count, bootstrap: bootstrap)
                let dead = try await readTopic(plan.deadLetterTopic, atLeast: 2, bootstrap: bootstrap)
                try await waitUntilCommitted(group: stage.consumerGroup, topic: input, bootstrap: bootstrap)
                return (outputs, dead)
            }
            // Each output's id is its input's id and ":0": one output per packet, exactly once.
            let ids = outputs.compactMap { $0.header("pf-id") }
            #expect(ids.count == packets.count)
            #expect(Set(ids) == Set(packets.map { "\($0.id.rawValue):0" }))
            #expect(Set(outputs.map(\.text)) == Set(packets.map { String(decoding: $0.payload, as: UTF8.self) }))
            #expect(Set(dead.map(\.text)) == [#"{"n": oops"#, "[1,"])
            #expect(dead.allSatisfy { $0.header("pf-dlq-reason")?.hasPrefix("undecodable input") == true })
        }
    }
}
