import Foundation
import PacketFlow
import PacketFlowKafka
import PacketFlowLanguage
import PacketFlowTestSupport
import Testing

/// The concept's ProcessingPipeline, run end to end with Swift handlers on the embedded broker.
@Suite("Processing pipeline with Swift handlers", .timeLimit(.minutes(2)))
struct SwiftPipelineTests {
    static let packetCount = 300
    static let keys = (0..<6).map { "order-\($0)" }

    /// Orders with a per-key sequence number, published in sequence order.
    static func orders() -> [Packet] {
        (0..<packetCount).map { index in
            let key = keys[index % keys.count]
            return Packet(
                group: .controlFlow, kind: "order", key: Array(key.utf8),
                payload: Array(#"{"order":{"id":"\#(key)"},"seq":\#(index),"qty":\#(index % 7 + 1)}"#.utf8))
        }
    }

    static func handlers() -> HandlerRegistry {
        let handlers = HandlerRegistry()
        handlers.register("validate") { packet, _ in
            guard (try packet.json())[path: "order.id"] != nil else { throw RuntimeError(.handlerFailed, "order without id") }
            return [packet]
        }
        handlers.register("compute") { packet, _ in
            var order = try packet.json().objectValue!
            _ = order.updateValue(.integer((order["qty"]?.int64Value ?? 0) * 10), forKey: "total")
            return [try packet.with(json: .object(order))]
        }
        handlers.register("save") { packet, _ in [packet] }
        return handlers
    }

    @Test("N orders in, N out, each id once, CF order per key kept, results computed")
    func endToEnd() async throws {
        let text = try String(contentsOf: packageRoot.appending(path: "examples/processing-pipeline.pf"), encoding: .utf8)
        let plan = try plan(text, molecule: "ProcessingPipeline", uniqueAs: "Pipeline\(UUID().uuidString.prefix(6))")
        try await withEmbeddedBroker { bootstrap in
            try await provision(plan, bootstrap: bootstrap)
            let input = plan.stages[0].inputTopics[0]
            let output = plan.stages[2].outputTopics[0]
            let workers = try makeWorkers(plan, bootstrap: bootstrap, handlers: Self.handlers())
            let orders = Self.orders()
            let results = try await withWorkers(workers) {
                try await publishAndRead(orders, to: input, from: output, bootstrap: bootstrap)
            }
            #expect(results.count == Self.packetCount)
            let ids = Set(results.compactMap { $0.header("pf-id") })
            #expect(ids == Set(orders.map { "\($0.id.rawValue):0:0:0" }))
            #expect(results.allSatisfy { $0.header("pf-molecule") == plan.molecule && $0.header("pf-stage") == "SavePacket" })
            #expect(results.allSatisfy { (try? JSON.parse($0.value ?? []))?["total"] != nil })

            try await Self.expectOrderPerKey(plan, results: results, bootstrap: bootstrap)
        }
    }

    /// Checks both CF stages: Validate hands each key's orders on in input order, and Save
    /// keeps the order its input had per key.
    static func expectOrderPerKey(_ plan: TopologyPlan, results: [KafkaMessage], bootstrap: String) async throws {
        // Validate (CF) hands each key's orders on in their input order.
        let validated = try await readTopic(plan.stages[0].outputTopics[0], atLeast: packetCount, bootstrap: bootstrap)
        for key in keys {
            let sequence = validated.filter { $0.key == Array(key.utf8) }.compactMap { try? JSON.parse($0.value ?? [])["seq"]?.int64Value }
            #expect(sequence == sequence.sorted(), "key \(key) out of order after the CF stage")
        }
        // Save (CF) keeps the order its input had per key.
        let saveInput = try await readTopic(plan.stages[2].inputTopics[0], atLeast: packetCount, bootstrap: bootstrap)
        for key in keys {
            let before = saveInput.filter { $0.key == Array(key.utf8) }.compactMap { $0.header("pf-id") }
            let after = results.filter { $0.key == Array(key.utf8) }.compactMap { $0.header("pf-id")?.dropLast(2) }.map(String.init)
            #expect(before == after, "key \(key) reordered by the CF save stage")
        }
    }
}
