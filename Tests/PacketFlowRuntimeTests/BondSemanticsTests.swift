import Foundation
import PacketFlow
import PacketFlowBroker
import PacketFlowKafka
import PacketFlowLanguage
import PacketFlowTestSupport
import Synchronization
import Testing

/// Covalent, metallic and collective behaviour, each observable from outside the worker.
@Suite("Bond and group semantics", .timeLimit(.minutes(2)))
struct BondSemanticsTests {
    @Test("a covalent pair runs fused in one worker: no topic between them, the second handler gets the first's results in memory")
    func covalent() async throws {
        let name = "Cov\(UUID().uuidString.prefix(6))"
        let plan = try MoleculeProgram.parse("""
            packet ParsePacket { group: DF, handler: swift("parse") }
            packet EnrichPacket { group: DF, handler: swift("enrich") }
            packet StorePacket { group: CF, handler: builtin("forward") }
            molecule \(name) {
              composition: [ParsePacket, EnrichPacket, StorePacket],
              bonds: [{ParsePacket, EnrichPacket, :covalent}, {EnrichPacket, StorePacket, :ionic}]
            }
            """).plan()
        #expect(plan.stages.map(\.name) == ["ParsePacket", "StorePacket"])
        #expect(plan.stages[0].packets.map(\.name) == ["ParsePacket", "EnrichPacket"])
        let handlers = HandlerRegistry()
        handlers.register("parse") { packet, context in
            // Fans out: the covalent partner must see both halves.
            [try packet.with(json: ["half": 1, "by": .string(context.packetName)]), try packet.with(json: ["half": 2, "by": .string(context.packetName)])]
        }
        handlers.register("enrich") { packet, context in
            var value = try packet.json().objectValue!
            _ = value.updateValue(.string(packet.kind), forKey: "kindSeen")
            _ = value.updateValue(.string(context.packetName), forKey: "enrichedBy")
            return [try packet.with(json: .object(value))]
        }
        try await withEmbeddedBroker { bootstrap in
            try await provision(plan, bootstrap: bootstrap)
            let workers = try makeWorkers(plan, bootstrap: bootstrap, handlers: handlers)
            let packets = (0..<5).map { Packet(group: .dataFlow, kind: "raw", payload: Array("{\"n\":\($0)}".utf8)) }
            let outputs = try await withWorkers(workers) {
                try await publishAndRead(packets, to: plan.stages[0].inputTopics[0], from: plan.stages[1].outputTopics[0], bootstrap: bootstrap, expecting: 10)
            }
            #expect(outputs.count == 10)
            #expect(outputs.allSatisfy {
                (try? JSON.parse($0.value ?? [])) == ["half": (try! JSON.parse($0.value ?? []))["half"]!, "by": "ParsePacket", "kindSeen": "EnrichPacket", "enrichedBy": "EnrichPacket"]
            })
            let topics = try await KafkaTopicAdmin(bootstrapServers: bootstrap).listTopics().map(\.name)
            #expect(!topics.contains { $0.hasPrefix("pf.\(name).ParsePacket-") }, "a covalent pair must not hop through a topic")
            #expect(topics.contains("pf.\(name).EnrichPacket-StorePacket"))
        }
    }

    @Test("a counter in a state store, incremented once per packet, ends at the number of packets: the changelog never rolls back a newer value")
    func stateStoreReadsItsOwnWrites() async throws {
        let count = 2_000
        let name = "Count\(UUID().uuidString.prefix(6))"
        let plan = try MoleculeProgram.parse("""
            packet CountPacket { group: CF, handler: swift("count") }
            packet PeekPacket { group: CF, handler: builtin("drop") }
            molecule \(name) { composition: [CountPacket, PeekPacket], bonds: [{CountPacket, PeekPacket, :metallic}] }
            """).plan()
        let handlers = HandlerRegistry()
        handlers.register("count") { packet, context in
            let store = try context.stateStore()
            let current = store.get("total").flatMap { Int(String(decoding: $0, as: UTF8.self)) } ?? 0
            try await store.put("total", Array(String(current + 1).utf8))
            return [try packet.with(json: ["total": .integer(Int64(current + 1))])]
        }
        try await withEmbeddedBroker { bootstrap in
            try await provision(plan, bootstrap: bootstrap)
            let workers = try makeWorkers(plan, bootstrap: bootstrap, handlers: handlers)
            // One key: one partition, so one lane increments at a time (CF order per key).
            let packets = (0..<count).map {
                Packet(group: .controlFlow, kind: "n", key: Array("counter".utf8), payload: Array("{\"n\":\($0)}".utf8))
            }
            let results = try await withWorkers(workers) {
                try await publishAndRead(packets, to: plan.stages[0].inputTopics[0], from: plan.stages[0].outputTopics[0], bootstrap: bootstrap)
            }
            let totals = results.compactMap { (try? JSON.parse($0.value ?? []))?["total"]?.int64Value }
            #expect(totals.max() == Int64(count), "lost updates: the counter ended at \(totals.max() ?? 0) after \(count) increments")
            #expect(Set(totals).count == count, "some increments read a rolled-back value")
        }
    }

    @Test("metallic stages share a state store: each reads its own writes at once and the other's after they arrive")
    func metallic() async throws {
        let name = "Met\(UUID().uuidString.prefix(6))"
        let plan = try MoleculeProgram.parse("""
            packet WriterPacket { group: CF, handler: swift("writer") }
            packet ReaderPacket { group: CF, handler: swift("reader") }
            molecule \(name) { composition: [WriterPacket, ReaderPacket], bonds: [{WriterPacket, ReaderPacket, :metallic}] }
            """).plan()
        #expect(plan.stateStores.count == 1)
        let handlers = HandlerRegistry()
        handlers.register("writer") { packet, context in
            let request = try packet.json()
            guard request["op"] == "set", let user = request["user"]?.stringValue else { return [] }
            let store = try context.stateStore()
            try await store.put(user, try request["score"]!.serialized())
            let own = store.get(user).map { String(decoding: $0, as: UTF8.self) } ?? "missing"
            return [try packet.with(json: ["stage": "writer", "user": .string(user), "readOwnWrite": .string(own)])]
        }
        handlers.register("reader") { packet, context in
            let request = try packet.json()
            guard request["op"] == "get", let user = request["user"]?.stringValue else { return [] }
            // The writer's put reaches this stage's cache through the changelog; until then, fail and be retried.
            guard let value = try context.stateStore().get(user) else { throw RuntimeError(.handlerFailed, "\(user) not visible yet") }
            let seen = String(decoding: value, as: UTF8.self)
            return [try packet.with(json: ["stage": "reader", "user": .string(user), "seen": .string(seen)])]
        }
        try await withEmbeddedBroker { bootstrap in
            try await provision(plan, bootstrap: bootstrap)
            let workers = try makeWorkers(plan, bootstrap: bootstrap, handlers: handlers)
            let input = plan.stages[0].inputTopics[0]
            let output = plan.stages[0].outputTopics[0]
            let users = (0..<4).map { "user\($0)" }
            let (written, read) = try await withWorkers(workers) {
                let sets = users.enumerated().map { index, user in
                    Packet(group: .controlFlow, kind: "set", key: Array(user.utf8), payload: Array(#"{"op":"set","user":"\#(user)","score":\#(index * 10)}"#.utf8))
                }
                let written = try await publishAndRead(sets, to: input, from: output, bootstrap: bootstrap)
                let gets = users.map { user in
                    Packet(group: .controlFlow, kind: "get", key: Array(user.utf8), payload: Array(#"{"op":"get","user":"\#(user)"}"#.utf8))
                }
                let all = try await publishAndRead(gets, to: input, from: output, bootstrap: bootstrap, expecting: 8)
                return (written, Array(all.filter { $0.text.contains("\"reader\"") }))
            }
            #expect(Set(written.map(\.text)) == Set(users.enumerated().map { #"{"stage":"writer","user":"\#($1)","readOwnWrite":"\#($0 * 10)"}"# }))
            #expect(Set(read.map(\.text)) == Set(users.enumerated().map { #"{"stage":"reader","user":"\#($1)","seen":"\#($0 * 10)"}"# }))
        }
    }

    @Test("a CO stage emits once per correlation key: with all members at its declared quorum, or incomplete after its window")
    func collective() async throws {
        let name = "Vote\(UUID().uuidString.prefix(6))"
        let plan = try MoleculeProgram.parse("""
            packet TallyPacket { group: CO, handler: builtin("forward"), quorum: 3, window: 2s }
            molecule \(name) { composition: [TallyPacket] }
            """).plan()
        #expect(plan.stages[0].collective == StagePlan.Collective(quorum: 3, window: .seconds(2)))
        try await withEmbeddedBroker { bootstrap in
            try await provision(plan, bootstrap: bootstrap)
            let workers = try makeWorkers(plan, bootstrap: bootstrap, handlers: HandlerRegistry())
            let votes = [("a", 1), ("b", 1), ("a", 2), ("c", 1), ("b", 2), ("a", 3), ("b", 3)].map { key, n in
                Packet(group: .collective, kind: "vote", key: Array(key.utf8), payload: Array(#"{"voter":\#(n)}"#.utf8))
            }
            let outputs = try await withWorkers(workers) {
                _ = try await publishAndRead(votes, to: plan.stages[0].inputTopics[0], from: plan.stages[0].outputTopics[0], bootstrap: bootstrap, expecting: 3)
                // Once every vote is committed, the output topic holds all there will be.
                try await waitUntilCommitted(group: plan.stages[0].consumerGroup, topic: plan.stages[0].inputTopics[0], bootstrap: bootstrap)
                let reader = try TopicReader(topic: plan.stages[0].outputTopics[0], bootstrap: bootstrap)
                _ = try await reader.read(atLeast: 3)
                try await waitUntil("the output topic read to its end") {
                    try await readToEnd(reader, topic: plan.stages[0].outputTopics[0], bootstrap: bootstrap)
                }
                await reader.close()
                return reader.messages
            }
            let byKey = Dictionary(uniqueKeysWithValues: outputs.map { (String(decoding: $0.key ?? [], as: UTF8.self), try! JSON.parse($0.value ?? [])) })
            #expect(byKey.count == 3 && outputs.count == 3)
            #expect(byKey["a"] == ["key": "a", "complete": true, "count": 3, "members": [["voter": 1], ["voter": 2], ["voter": 3]]])
            #expect(byKey["b"]?["complete"] == true)
            #expect(byKey["c"] == ["key": "c", "complete": false, "count": 1, "members": [["voter": 1]]])
        }
    }

    @Test("a CO group gathered across a rebalance: one aggregate per key, each member counted once, the revocation not held up by open groups")
    func collectiveAcrossRebalance() async throws {
        let name = "Tally\(UUID().uuidString.prefix(6))"
        // The window (60 s) outlasts the revocation timeout (15 s): groups are open during the rebalance.
        let plan = try MoleculeProgram.parse("""
            packet TallyPacket { group: CO, handler: builtin("forward"), quorum: 3, window: 60s }
            molecule \(name) { composition: [TallyPacket] }
            """).plan()
        let stage = plan.stages[0]
        let keys = (0..<24).map { "k\($0)" }
        func vote(_ key: String, _ voter: Int) -> Packet {
            Packet(group: .collective, kind: "vote", key: Array(key.utf8), payload: Array(#"{"voter":\#(voter)}"#.utf8))
        }
        try await withEmbeddedBroker { bootstrap in
            try await provision(plan, bootstrap: bootstrap)
            // A revocation that waited for held members would outlast every wait below.
            func patient(_ configuration: inout WorkerConfiguration) { configuration.revocationTimeout = .seconds(100) }
            let first = try makeWorkers(plan, bootstrap: bootstrap, handlers: HandlerRegistry(), configure: patient)
            let second = try makeWorkers(plan, bootstrap: bootstrap, handlers: HandlerRegistry(), configure: patient)
            let outputs = try await withWorkers(first) {
                try await publish(keys.flatMap { [vote($0, 1), vote($0, 2)] }, to: stage.inputTopics[0], bootstrap: bootstrap)
                try await waitUntil("the first worker gathering every key", within: .seconds(60)) { first[0].openGroups == keys.count }
                // A second worker joins while every group is open; the first gives up some partitions.
                return try await withWorkers(second) {
                    try await waitUntil("both workers gathering, every key once", within: .seconds(60)) {
                        second[0].openGroups > 0 && first[0].openGroups + second[0].openGroups == keys.count
                    }
                    try await publish(keys.map { vote($0, 3) }, to: stage.inputTopics[0], bootstrap: bootstrap)
                    try await waitUntilCommitted(group: stage.consumerGroup, topic: stage.inputTopics[0], bootstrap: bootstrap, within: .seconds(60))
                    let reader = try TopicReader(topic: stage.outputTopics[0], bootstrap: bootstrap)
                    _ = try await reader.read(atLeast: keys.count)
                    try await waitUntil("the output topic read to its end") {
                        try await readToEnd(reader, topic: stage.outputTopics[0], bootstrap: bootstrap)
                    }
                    await reader.close()
                    return reader.messages
                }
            }
            let aggregates = outputs.map { try! JSON.parse($0.value ?? []) }
            #expect(aggregates.count == keys.count)
            #expect(Set(aggregates.compactMap { $0["key"]?.stringValue }) == Set(keys))
            for aggregate in aggregates {
                #expect(aggregate["complete"] == true && aggregate["count"] == 3)
                let voters = aggregate["members"]?.arrayValue?.compactMap { $0["voter"] }
                #expect(voters.map(Set.init) == [1, 2, 3], "\(aggregate)")
            }
        }
    }

    @Test("RM handlers get a cache shared across calls; MC results also go to the control topic")
    func resourceAndMeta() async throws {
        let name = "Res\(UUID().uuidString.prefix(6))"
        let plan = try MoleculeProgram.parse("""
            packet LookupPacket { group: RM, handler: swift("lookup") }
            packet ScalePacket { group: MC, handler: builtin("forward") }
            molecule \(name) { composition: [LookupPacket, ScalePacket], bonds: [{LookupPacket, ScalePacket, :ionic}] }
            """).plan()
        let handlers = HandlerRegistry()
        handlers.register("lookup") { packet, context in
            guard let cache = context.cache, let budget = context.budget else { throw RuntimeError(.handlerFailed, "RM stage without cache or budget") }
            try await budget.acquire()
            let key = try packet.json()["item"]!.stringValue!
            let hit = cache.get(key) != nil
            cache.put(key, [1])
            return [try packet.with(json: ["item": .string(key), "cached": .bool(hit)])]
        }
        let control = uniqueName("control")
        try await withEmbeddedBroker { bootstrap in
            try await provision(plan, bootstrap: bootstrap, extra: [try TopicSpec(name: control, partitions: 1)])
            let workers = try makeWorkers(plan, bootstrap: bootstrap, handlers: handlers) { $0.controlTopic = control }
            let packets = ["x", "x", "y"].map {
                Packet(group: .resourceManagement, kind: "lookup", key: Array("k".utf8), payload: Array(#"{"item":"\#($0)"}"#.utf8))
            }
            // The control topic also carries every worker's load reports.
            let reader = try TopicReader(topic: control, bootstrap: bootstrap)
            let reading = Task { try await reader.read(atLeast: Int.max, within: .seconds(90)) }
            func results() -> [KafkaMessage] { reader.messages.filter { $0.header("pf-kind") != WorkerLoadReport.kind } }
            let outputs = try await withWorkers(workers) {
                let outputs = try await publishAndRead(packets, to: plan.stages[0].inputTopics[0], from: plan.stages[1].outputTopics[0], bootstrap: bootstrap)
                try await waitUntil("the MC results on the control topic", within: .seconds(60)) { results().count >= 3 }
                return outputs
            }
            reading.cancel()
            await reader.close()
            let controlled = results()
            #expect(outputs.map(\.text) == [#"{"item":"x","cached":false}"#, #"{"item":"x","cached":true}"#, #"{"item":"y","cached":false}"#])
            #expect(controlled.map(\.text) == outputs.map(\.text))
            #expect(controlled.allSatisfy { $0.header("pf-group") == "MC" })
        }
    }

    @Test("a weak bond is only a placement hint: two independent stages, no shared topic or store")
    func weak() throws {
        let plan = try MoleculeProgram.parse("""
            packet IngestPacket { group: ED, handler: builtin("forward") }
            packet AuditPacket { group: CF, handler: builtin("log") }
            molecule Weak { composition: [IngestPacket, AuditPacket], bonds: [{IngestPacket, AuditPacket, :weak}] }
            """).plan()
        #expect(plan.placementHints.map { Set($0.stages) } == [["IngestPacket", "AuditPacket"]])
        #expect(plan.stages.count == 2)
        #expect(plan.stateStores.isEmpty)
        #expect(Set(plan.stages[0].outputTopics).isDisjoint(with: plan.stages[1].inputTopics))
        #expect(plan.stages[0].consumerGroup != plan.stages[1].consumerGroup)
    }
}

/// A counter two stages of a metallic bond update at once: the read-modify-write of
/// `StateStore.update` loses none of their increments. A suite of its own for its longer limit.
@Suite("Metallic counter", .timeLimit(.minutes(4)))
struct MetallicCounterTests {
    @Test("two stages of a metallic bond add to one counter with update: none of their increments is lost")
    func metallicCounter() async throws {
        let count = 5_000
        let name = "Tally\(UUID().uuidString.prefix(6))"
        let plan = try MoleculeProgram.parse("""
            packet LeftPacket { group: CF, handler: swift("add") }
            packet RightPacket { group: CF, handler: swift("add") }
            molecule \(name) { composition: [LeftPacket, RightPacket], bonds: [{LeftPacket, RightPacket, :metallic}] }
            """).plan()
        #expect(plan.stages.count == 2 && plan.stages[0].inputTopics == plan.stages[1].inputTopics)
        let handlers = HandlerRegistry()
        handlers.register("add") { packet, context in
            // Both stages read, add one and write the same key at once: each sum must count.
            let total = try await context.stateStore().update("total") { old in
                Array(String((old.flatMap { Int(String(decoding: $0, as: UTF8.self)) } ?? 0) + 1).utf8)
            }
            return [try packet.with(json: ["total": .integer(Int64(String(decoding: total ?? [], as: UTF8.self)) ?? -1)])]
        }
        try await withEmbeddedBroker { bootstrap in
            try await provision(plan, bootstrap: bootstrap)
            let workers = try makeWorkers(plan, bootstrap: bootstrap, handlers: handlers)
            // Keys spread the packets over every lane of both stages.
            let packets = (0..<count).map {
                Packet(group: .controlFlow, kind: "n", key: Array("k\($0 % 16)".utf8), payload: Array("{\"n\":\($0)}".utf8))
            }
            let results = try await withWorkers(workers) {
                try await publish(packets, to: plan.stages[0].inputTopics[0], bootstrap: bootstrap)
                let reader = try TopicReader(topic: plan.stages[0].outputTopics[0], bootstrap: bootstrap)
                // Each update is a write and its read-back (about 3 ms here), half of them lost
                // races retried: about 35 s on a quiet machine.
                let results = try await reader.read(atLeast: 2 * count, within: .seconds(200))
                await reader.close()
                return results
            }
            let totals = results.compactMap { (try? JSON.parse($0.value ?? []))?["total"]?.int64Value }
            #expect(totals.count == 2 * count)
            #expect(totals.max() == Int64(2 * count), "lost updates: the counter ended at \(totals.max() ?? 0) after \(2 * count) increments")
            #expect(Set(totals).count == 2 * count, "two increments saw the same value")
        }
    }
}
