import Foundation
import PacketFlow
import PacketFlowKafka
import PacketFlowLanguage
import PacketFlowTestSupport
import ServiceLifecycle
import Synchronization
import Testing

/// A CF stage at full speed keeps each key's order: outputs are enqueued without waiting for
/// acknowledgements, inputs committed once their outputs are stored.
@Suite("Control flow: order per key without a broker round trip per packet", .timeLimit(.minutes(4)), .serialized)
struct ControlFlowOrderTests {
    static let keyCount = 1_000

    /// `count` CF packets over `keyCount` keys, each carrying its key's sequence number.
    static func sequenced(_ count: Int) -> [Packet] {
        (0..<count).map { index in
            let user = "user-\(index % keyCount)"
            return Packet(
                group: .controlFlow, kind: "step", key: Array(user.utf8),
                payload: Array(#"{"user":"\#(user)","seq":\#(index / keyCount)}"#.utf8))
        }
    }

    /// A one-stage CF molecule: `builtin("forward")` keyed by user, or `handler` when given.
    static func forwardPlan(_ name: String, settings: String = "") throws -> TopologyPlan {
        try MoleculeProgram.parse("""
            packet StepPacket { group: CF, handler: builtin("forward"), key: "user"\(settings) }
            molecule \(name)\(UUID().uuidString.prefix(6)) { composition: [StepPacket] }
            """).plan()
    }

    /// Every key's sequence numbers in the order they came out, keeping only first deliveries.
    static func firstDeliveries(_ messages: [KafkaMessage]) -> (perKey: [String: [Int64]], ids: [String], duplicates: Int) {
        var seen: Set<String> = []
        var perKey: [String: [Int64]] = [:]
        var ids: [String] = []
        // Records of one key share a partition: reading them partition by partition in offset
        // order is the order they were written.
        let ordered = messages.sorted { ($0.partition, $0.offset) < ($1.partition, $1.offset) }
        for message in ordered {
            guard let id = message.header("pf-id") else { continue }
            ids.append(id)
            guard seen.insert(id).inserted else { continue }
            let key = String(decoding: message.key ?? [], as: UTF8.self)
            let seq = (try? JSON.parse(message.value ?? []))?["seq"]?.int64Value ?? -1
            perKey[key, default: []].append(seq)
        }
        return (perKey, ids, ids.count - seen.count)
    }

    static func expectInOrder(_ perKey: [String: [Int64]], count: Int) {
        let perKeyCount = Int64(count / keyCount)
        #expect(perKey.count == keyCount)
        let outOfOrder = perKey.filter { $0.value != Array(0..<perKeyCount) }.keys.sorted()
        #expect(outOfOrder.isEmpty, "\(outOfOrder.count) keys out of order or incomplete, first: \(outOfOrder.first.map { "\($0): \(perKey[$0]!)" } ?? "")")
    }

    @Test("100,000 packets over 1,000 keys come out in each key's order, each id once, every input committed")
    func orderAtFullSpeed() async throws {
        let count = 100_000
        let plan = try Self.forwardPlan("Ordered")
        let stage = plan.stages[0]
        try await withEmbeddedBroker { bootstrap in
            try await provision(plan, bootstrap: bootstrap)
            let packets = Self.sequenced(count)
            let workers = try makeWorkers(plan, bootstrap: bootstrap, handlers: HandlerRegistry())
            let results = try await withWorkers(workers) {
                let results = try await publishAndRead(packets, to: stage.inputTopics[0], from: stage.outputTopics[0], bootstrap: bootstrap)
                try await waitUntilCommitted(group: stage.consumerGroup, topic: stage.inputTopics[0], bootstrap: bootstrap)
                return results
            }
            let (perKey, ids, duplicates) = Self.firstDeliveries(results)
            #expect(duplicates == 0)
            Self.expectEveryID(of: packets, in: ids)
            Self.expectInOrder(perKey, count: count)
        }
    }

    static func expectEveryID(of packets: [Packet], in ids: [String]) {
        let missing = Set(packets.map { "\($0.id.rawValue):0" }).subtracting(ids)
        #expect(missing.isEmpty, "\(missing.count) of \(packets.count) packets never came out")
    }

    @Test("a second CF worker joining mid-run moves partitions without reordering a key or losing a packet")
    func orderAcrossRebalance() async throws {
        let count = 60_000
        // The first worker's handler waits until the second worker has handled a packet, so
        // the run is still going when the partitions move.
        let handledBySecond = Atomic<Int>(0)
        let firstHandlers = HandlerRegistry()
        firstHandlers.register("step") { packet, _ in
            if handledBySecond.load(ordering: .relaxed) == 0 { try await Task.sleep(for: .milliseconds(2)) }
            return [packet]
        }
        let secondHandlers = HandlerRegistry()
        secondHandlers.register("step") { packet, _ in
            handledBySecond.add(1, ordering: .relaxed)
            return [packet]
        }
        let plan = try MoleculeProgram.parse("""
            packet StepPacket { group: CF, handler: swift("step"), key: "user", concurrency: 4 }
            molecule Joined\(UUID().uuidString.prefix(6)) { composition: [StepPacket] }
            """).plan()
        let stage = plan.stages[0]
        try await withEmbeddedBroker { bootstrap in
            try await provision(plan, bootstrap: bootstrap)
            let packets = Self.sequenced(count)
            try await publish(packets, to: stage.inputTopics[0], bootstrap: bootstrap)
            let reader = try TopicReader(topic: stage.outputTopics[0], bootstrap: bootstrap)
            let reading = Task { try await reader.read(atLeast: Int.max, within: .seconds(200)) }
            let configure: (inout WorkerConfiguration) -> Void = { $0.sessionTimeout = .seconds(6) }
            let first = try makeWorkers(plan, bootstrap: bootstrap, handlers: firstHandlers, configure: configure)
            let second = try makeWorkers(plan, bootstrap: bootstrap, handlers: secondHandlers, configure: configure)
            let admin = try KafkaTopicAdmin(bootstrapServers: bootstrap)
            var outAtJoin: Int64 = 0
            try await withWorkers(first) {
                try await waitUntil("a tenth of the packets out", within: .seconds(60)) {
                    outAtJoin = try await admin.watermarks(topic: stage.outputTopics[0]).reduce(0) { $0 + $1.high }
                    return outAtJoin >= Int64(count / 10)
                }
                try await withWorkers(second) {
                    try await waitUntil("every packet out", within: .seconds(150)) {
                        Set(reader.messages.compactMap { $0.header("pf-id") }).count >= count
                    }
                    try await waitUntilCommitted(group: stage.consumerGroup, topic: stage.inputTopics[0], bootstrap: bootstrap)
                }
            }
            reading.cancel()
            await reader.close()
            let (perKey, ids, duplicates) = Self.firstDeliveries(reader.messages)
            print("CF join at \(outAtJoin) of \(count) out: \(ids.count) out, \(duplicates) duplicates")
            #expect(handledBySecond.load(ordering: .relaxed) > 0, "the second worker never got partitions")
            // Usually 0. On the embedded broker the group refuses commits from the moment it
            // starts rebalancing until the first worker has handed its partitions over; under the
            // whole suite's load that hand-over commit has twice landed after the second worker
            // read where to start (11,803 and 18,004 repeats seen), so only at-least-once is
            // asserted here, with order per key among first deliveries.
            Self.expectEveryID(of: packets, in: ids)
            Self.expectInOrder(perKey, count: count)
        }
    }
}
