import Foundation
import PacketFlow
import PacketFlowKafka
import PacketFlowLanguage
import PacketFlowTestSupport
import Synchronization
import Testing

/// Packets that cannot be handled land in the dead-letter topic with their reason; the rest flows.
@Suite("Dead-letter topic", .timeLimit(.minutes(2)))
struct DeadLetterTests {
    static func relayPlan(group: String = "CF", retries: Int = 2) throws -> TopologyPlan {
        try MoleculeProgram.parse("""
            packet RelayPacket { group: \(group), handler: swift("relay"), timeout: 2s, retries: \(retries) }
            molecule Poison\(UUID().uuidString.prefix(6)) { composition: [RelayPacket] }
            """).plan()
    }

    @Test("a poison packet is retried with backoff, dead-lettered with reason, stage, attempt and its headers; later packets flow")
    func poisonPacket() async throws {
        let plan = try Self.relayPlan()
        let attempts = Mutex<[Int]>([])
        let handlers = HandlerRegistry()
        handlers.register("relay") { packet, context in
            if (try packet.json())["poison"] != nil {
                attempts.withLock { $0.append(context.attempt) }
                throw RuntimeError(.handlerFailed, "cannot digest poison")
            }
            return [packet]
        }
        try await withEmbeddedBroker { bootstrap in
            try await provision(plan, bootstrap: bootstrap)
            let workers = try makeWorkers(plan, bootstrap: bootstrap, handlers: handlers)
            var packets = (0..<10).map { Packet(group: .controlFlow, kind: "n", key: Array("k".utf8), payload: Array("{\"n\":\($0)}".utf8)) }
            packets.insert(
                Packet(group: .controlFlow, kind: "n", key: Array("k".utf8), payload: Array(#"{"poison":true}"#.utf8),
                       otherHeaders: [PacketHeader(name: "tenant", text: "acme")]),
                at: 3)
            let (outputs, dead) = try await withWorkers(workers) {
                let outputs = try await publishAndRead(
                    packets, to: plan.stages[0].inputTopics[0], from: plan.stages[0].outputTopics[0], bootstrap: bootstrap, expecting: 10)
                let dead = try await readTopic(plan.deadLetterTopic, atLeast: 1, bootstrap: bootstrap)
                return (outputs, dead)
            }
            #expect(outputs.compactMap { try? JSON.parse($0.value ?? [])["n"]?.int64Value } == (0..<10).map(Int64.init))
            #expect(attempts.withLock { $0 } == [1, 2, 3])
            let record = try #require(dead.first)
            #expect(record.text == #"{"poison":true}"#)
            #expect(record.header("pf-dlq-reason") == "cannot digest poison")
            #expect(record.header("pf-dlq-stage") == "RelayPacket")
            #expect(record.header("pf-attempt") == "3")
            #expect(record.header("tenant") == "acme")
            #expect(record.header("pf-id") == packets[3].id.rawValue)
        }
    }

    @Test("invalid JSON and a bad PacketFlow header go to the dead-letter topic at once, without a handler call")
    func undecodableInput() async throws {
        let plan = try Self.relayPlan()
        let calls = Mutex(0)
        let handlers = HandlerRegistry()
        handlers.register("relay") { packet, _ in
            calls.withLock { $0 += 1 }
            return [packet]
        }
        try await withEmbeddedBroker { bootstrap in
            try await provision(plan, bootstrap: bootstrap)
            let workers = try makeWorkers(plan, bootstrap: bootstrap, handlers: handlers)
            let (outputs, dead) = try await withWorkers(workers) {
                let input = plan.stages[0].inputTopics[0]
                try await publishRaw(
                    [
                        (key: "k", value: #"{"n":1}"#, headers: []),
                        (key: "k", value: #"{"n": oops"#, headers: []),
                        (key: "k", value: #"{"n":2}"#, headers: [KafkaHeader(key: "pf-group", value: "XX")]),
                        (key: "k", value: #"{"n":3}"#, headers: []),
                    ], to: input, bootstrap: bootstrap)
                let outputs = try await readTopic(plan.stages[0].outputTopics[0], atLeast: 2, bootstrap: bootstrap)
                let dead = try await readTopic(plan.deadLetterTopic, atLeast: 2, bootstrap: bootstrap)
                return (outputs, dead)
            }
            #expect(outputs.map(\.text) == [#"{"n":1}"#, #"{"n":3}"#])
            #expect(calls.withLock { $0 } == 2)
            let reasons = dead.compactMap { $0.header("pf-dlq-reason") }
            #expect(reasons.count == 2)
            #expect(reasons.allSatisfy { $0.hasPrefix("undecodable input") })
            #expect(reasons.contains { $0.contains("pf-group") })
            #expect(dead.allSatisfy { $0.header("pf-attempt") == "1" })
        }
    }

    @Test("an ED packet past its deadline is dead-lettered, not handled")
    func expiredDeadline() async throws {
        let plan = try Self.relayPlan(group: "ED")
        let handlers = HandlerRegistry()
        handlers.register("relay") { packet, _ in [packet] }
        try await withEmbeddedBroker { bootstrap in
            try await provision(plan, bootstrap: bootstrap)
            let workers = try makeWorkers(plan, bootstrap: bootstrap, handlers: handlers)
            let now = Int64(Date().timeIntervalSince1970 * 1_000)
            let packets = [
                Packet(group: .eventDriven, kind: "click", payload: Array(#"{"fresh":true}"#.utf8), deadlineMilliseconds: now + 60_000),
                Packet(group: .eventDriven, kind: "click", payload: Array(#"{"stale":true}"#.utf8), deadlineMilliseconds: now - 1_000),
            ]
            let (outputs, dead) = try await withWorkers(workers) {
                let outputs = try await publishAndRead(
                    packets, to: plan.stages[0].inputTopics[0], from: plan.stages[0].outputTopics[0], bootstrap: bootstrap, expecting: 1)
                let dead = try await readTopic(plan.deadLetterTopic, atLeast: 1, bootstrap: bootstrap)
                return (outputs, dead)
            }
            #expect(outputs.map(\.text) == [#"{"fresh":true}"#])
            #expect(dead.map(\.text) == [#"{"stale":true}"#])
            #expect(dead.first?.header("pf-dlq-reason")?.hasPrefix("deadline passed") == true)
        }
    }
}
