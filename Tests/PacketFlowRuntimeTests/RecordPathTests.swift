import Foundation
import PacketFlow
import PacketFlowKafka
import PacketFlowLanguage
import PacketFlowTestSupport
import Testing

/// Stages whose handlers are all built-ins hand records on in place (no packet decoded); what
/// users see must be what the packet path gives.
@Suite("Built-in stages on the record path", .timeLimit(.minutes(2)))
struct RecordPathTests {
    static func relayPlan(group: String, handler: String, molecule: String) throws -> TopologyPlan {
        try MoleculeProgram.parse("""
            packet RelayPacket { group: \(group), handler: \(handler) }
            molecule \(molecule) { composition: [RelayPacket] }
            """).plan()
    }

    /// Inputs with every kind of metadata: a bare packet, one with each optional header and a
    /// header of another producer, a retried one, and a foreign record without headers.
    static let inputs: [Packet] = [
        Packet(group: .dataFlow, kind: "reading", key: Array("k1".utf8), payload: Array(#"{"n":1}"#.utf8)),
        Packet(
            group: .controlFlow, kind: "order", stage: "Upstream", key: Array("k2".utf8), payload: Array(#"{"n":2,"s":"é"}"#.utf8),
            cost: 2.5, resources: ResourceRequirements(cpu: 0.5, memoryBytes: 1_048_576), priority: 7,
            deadlineMilliseconds: Int64(Date().timeIntervalSince1970 * 1_000) + 600_000,
            trace: TraceContext(traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
            otherHeaders: [PacketHeader(name: "tenant", text: "acme"), PacketHeader(name: "pf-future", text: "x")]),
        Packet(group: .dataFlow, kind: "reading", payload: Array(#"[1,2,3]"#.utf8), attempt: 3),
    ]

    @Test("a built-in stage's outputs carry the same key, value, timestamp and headers as a Swift handler's")
    func sameAsPacketPath() async throws {
        let suffix = UUID().uuidString.prefix(6)
        let builtin = try Self.relayPlan(group: "DF", handler: #"builtin("forward")"#, molecule: "RecordB\(suffix)")
        let swift = try Self.relayPlan(group: "DF", handler: #"swift("relay")"#, molecule: "RecordS\(suffix)")
        let handlers = HandlerRegistry()
        handlers.register("relay") { packet, _ in [packet] }
        try await withEmbeddedBroker { bootstrap in
            var outputs: [[KafkaMessage]] = []
            for plan in [builtin, swift] {
                try await provision(plan, bootstrap: bootstrap)
                let workers = try makeWorkers(plan, bootstrap: bootstrap, handlers: handlers)
                let read = try await withWorkers(workers) {
                    let input = plan.stages[0].inputTopics[0]
                    try await publish(Self.inputs, to: input, bootstrap: bootstrap)
                    try await publishRaw([(key: nil, value: #"{"foreign":true}"#, headers: [])], to: input, bootstrap: bootstrap)
                    return try await readTopic(plan.stages[0].outputTopics[0], atLeast: Self.inputs.count + 1, bootstrap: bootstrap)
                }
                outputs.append(read.sorted { $0.text < $1.text })
            }
            let (fromRecords, fromPackets) = (outputs[0], outputs[1])
            #expect(fromRecords.count == Self.inputs.count + 1)
            for input in Self.inputs {
                let output = fromRecords.first { $0.value == input.payload }
                #expect(output?.timestamp.map { Int64(($0.timeIntervalSince1970 * 1_000).rounded()) } == input.createdMilliseconds)
            }
            // The two molecules differ in name only: so do their topics and the derived ids.
            func normalized(_ message: KafkaMessage, molecule: String) -> [String] {
                // Timestamps are compared above: the foreign record's is when each test run produced it.
                [message.key.map { String(decoding: $0, as: UTF8.self) } ?? "-", message.text]
                    + message.headers.map { header in
                        let value = String(decoding: header.value ?? [], as: UTF8.self).replacingOccurrences(of: molecule, with: "M")
                        // A foreign record's id names its partition, which the group chose.
                        return "\(header.key)=\(value.hasPrefix("kafka:") ? String(value.prefix { $0 != ":" }) : value)"
                    }
            }
            for (record, packet) in zip(fromRecords, fromPackets) {
                #expect(normalized(record, molecule: builtin.molecule) == normalized(packet, molecule: swift.molecule))
            }
            let stamped = try #require(fromRecords.first { $0.text == #"{"n":2,"s":"é"}"# })
            #expect(stamped.header("pf-id") == Self.inputs[1].id.rawValue + ":0")
            #expect(stamped.header("pf-group") == "DF")
            #expect(stamped.header("pf-kind") == "RelayPacket")
            #expect(stamped.header("pf-stage") == "RelayPacket")
            #expect(stamped.header("pf-molecule") == builtin.molecule)
            #expect(stamped.header("tenant") == "acme")
            #expect(stamped.header("traceparent") == Self.inputs[1].trace?.traceparent)
            let retried = try #require(fromRecords.first { $0.text == "[1,2,3]" })
            #expect(retried.header("pf-attempt") == nil)
            let foreign = try #require(fromRecords.first { $0.text == #"{"foreign":true}"# })
            #expect(foreign.header("pf-id")?.hasPrefix("kafka:\(builtin.stages[0].inputTopics[0]):") == true)
            #expect(foreign.header("pf-id")?.hasSuffix(":0") == true)
        }
    }

    @Test("invalid JSON, an unreadable header and an expired ED packet go to the dead-letter topic with their reasons")
    func deadLetters() async throws {
        let plan = try Self.relayPlan(group: "ED", handler: #"builtin("forward")"#, molecule: "RecordDead\(UUID().uuidString.prefix(6))")
        try await withEmbeddedBroker { bootstrap in
            try await provision(plan, bootstrap: bootstrap)
            let workers = try makeWorkers(plan, bootstrap: bootstrap, handlers: HandlerRegistry())
            let now = Int64(Date().timeIntervalSince1970 * 1_000)
            let (outputs, dead) = try await withWorkers(workers) {
                let input = plan.stages[0].inputTopics[0]
                try await publishRaw(
                    [
                        (key: "k", value: #"{"n":1}"#, headers: []),
                        (key: "k", value: #"{"n": oops"#, headers: []),
                        (key: "k", value: #"{"n":2}"#, headers: [KafkaHeader(key: "pf-cost", value: "-1")]),
                        (key: "k", value: #"{"n":3}"#, headers: [KafkaHeader(key: "pf-deadline", value: String(now - 1_000))]),
                        (key: "k", value: #"{"n":4}"#, headers: [KafkaHeader(key: "pf-deadline", value: String(now + 600_000))]),
                    ], to: input, bootstrap: bootstrap)
                let outputs = try await readTopic(plan.stages[0].outputTopics[0], atLeast: 2, bootstrap: bootstrap)
                let dead = try await readTopic(plan.deadLetterTopic, atLeast: 3, bootstrap: bootstrap)
                return (outputs, dead)
            }
            #expect(outputs.map(\.text) == [#"{"n":1}"#, #"{"n":4}"#])
            let reasons = Dictionary(uniqueKeysWithValues: dead.map { ($0.text, $0.header("pf-dlq-reason") ?? "") })
            #expect(reasons[#"{"n": oops"#]?.hasPrefix("undecodable input") == true)
            #expect(reasons[#"{"n":2}"#]?.contains("pf-cost") == true)
            #expect(reasons[#"{"n":3}"#]?.hasPrefix("deadline passed") == true)
            #expect(dead.allSatisfy { $0.header("pf-dlq-stage") == "RelayPacket" && $0.header("pf-attempt") == "1" })
        }
    }

    @Test("a covalent chain of built-ins filters, then projects, each payload")
    func chain() async throws {
        let plan = try MoleculeProgram.parse("""
            packet KeepPacket { group: DF, handler: builtin("filter: amount >= 10") }
            packet ShapePacket { group: DF, handler: builtin("map: order=id, total=amount") }
            molecule RecordChain\(UUID().uuidString.prefix(6)) {
              composition: [KeepPacket, ShapePacket],
              bonds: [{KeepPacket, ShapePacket, :covalent}]
            }
            """).plan()
        try await withEmbeddedBroker { bootstrap in
            try await provision(plan, bootstrap: bootstrap)
            let workers = try makeWorkers(plan, bootstrap: bootstrap, handlers: HandlerRegistry())
            let packets = [5, 10, 25, 3].enumerated().map { index, amount in
                Packet(group: .dataFlow, kind: "order", payload: Array(#"{"id":"o\#(index)","amount":\#(amount),"note":"x"}"#.utf8))
            }
            let outputs = try await withWorkers(workers) {
                try await publishAndRead(
                    packets, to: plan.stages[0].inputTopics[0], from: plan.stages[0].outputTopics[0], bootstrap: bootstrap, expecting: 2)
            }
            #expect(Set(outputs.map(\.text)) == [#"{"order":"o1","total":10}"#, #"{"order":"o2","total":25}"#])
            #expect(outputs.allSatisfy { $0.header("pf-kind") == "ShapePacket" })
        }
    }
}
