import PacketFlow
import Testing

/// The exec protocol, the token bucket, the collective gathering and dead-letter records,
/// without a broker.
@Suite("Runtime parts")
struct RuntimePartsTests {
    @Test("exec requests carry the packet; responses give outputs or an error")
    func execProtocol() throws {
        let packet = Packet(group: .dataFlow, kind: "Compute", key: Array("k\"1".utf8), payload: Array(#"{"x":1}"#.utf8), attempt: 2)
        let request = try JSON.parse(try ExecProtocol.request(id: 7, packet: packet))
        #expect(request["id"] == "7")
        #expect(request[path: "packet.payload.x"] == 1)
        #expect(request[path: "packet.key"] == "k\"1")
        #expect(request[path: "packet.attempt"] == 2)
        #expect(request[path: "packet.group"] == "DF")
        #expect(request[path: "packet.id"] == .string(packet.id.rawValue))

        let ok = try ExecProtocol.response(#"{"id":"7","outputs":[{"y":2},{"y":3}]}"#)
        #expect(ok.id == "7")
        #expect(try ok.result.get().map { String(decoding: $0, as: UTF8.self) } == [#"{"y":2}"#, #"{"y":3}"#])
        let failed = try ExecProtocol.response(#"{"id":"8","error":"no stock"}"#)
        #expect(failed.result == .failure(ExecProtocol.HandlerFailure(description: "no stock")))
        #expect(throws: RuntimeError.self) { try ExecProtocol.response("not json") }
        #expect(throws: RuntimeError.self) { try ExecProtocol.response(#"{"outputs":[]}"#) }
        #expect(throws: RuntimeError.self) { try ExecProtocol.response(#"{"id":"9"}"#) }
        #expect(throws: RuntimeError.self) { try ExecProtocol.response(#"{"id":"9","outputs":{"y":1}}"#) }
    }

    @Test("a request is one line whatever its payload; outputs are compact, otherwise as the program wrote them")
    func execFraming() throws {
        // Pretty-printed JSON holds raw line breaks between its tokens.
        let pretty = Packet(group: .dataFlow, kind: "Compute", payload: Array("{\n  \"text\": \"a\\nb\",\n  \"n\": [1,\n 2]\n}".utf8))
        let line = try ExecProtocol.request(id: 1, packet: pretty)
        #expect(!line.contains(UInt8(ascii: "\n")))
        #expect(try JSON.parse(line)[path: "packet.payload.text"] == "a\nb")
        #expect(throws: (any Error).self) {
            try ExecProtocol.request(id: 2, packet: Packet(group: .dataFlow, kind: "Compute", payload: Array("{oops".utf8)))
        }

        let spaced = try ExecProtocol.response(#"{"id": 12, "outputs": [ {"y": 2.50, "s": "] \" x"} , [1, 2] ]}"#)
        #expect(spaced.id == "12")
        #expect(try spaced.result.get().map { String(decoding: $0, as: UTF8.self) } == [#"{"y":2.50,"s":"] \" x"}"#, "[1,2]"])
        // A key with an escape takes the slow path, with the same outcome.
        let escaped = try ExecProtocol.response(#"{"i\u0064":"3","outputs":[{"y":1}],"note":"x"}"#)
        #expect(escaped.id == "3")
        #expect(try escaped.result.get().map { String(decoding: $0, as: UTF8.self) } == [#"{"y":1}"#])
        let noError = try ExecProtocol.response(#"{"id":"4","error":null,"outputs":[]}"#)
        #expect(try noError.result.get().isEmpty)
    }

    @Test("the token bucket spends its burst, then refills at its rate")
    func tokenBucket() {
        var bucket = TokenBucket.State(rate: 10, burst: 5, now: 0)
        for _ in 0..<5 { #expect(bucket.take(1, now: 0) == nil) }
        let wait = bucket.take(1, now: 0)
        #expect(wait.map { abs($0 - 0.1) < 1e-9 } == true)
        #expect(bucket.take(1, now: 0.1) == nil)
        #expect(bucket.take(5, now: 10) == nil, "refill stops at the burst")
        #expect(bucket.take(1, now: 10) != nil)
    }

    @Test("a collective group leaves once at its quorum, or incomplete after its timeout")
    func collective() throws {
        let aggregator = CollectiveAggregator<Int>(quorum: 3, timeout: .seconds(1))
        func member(_ n: Int) -> Packet { Packet(group: .collective, kind: "vote", payload: Array("{\"v\":\(n)}".utf8)) }
        #expect(aggregator.add(member(1), key: "a", member: 1, now: .zero) == nil)
        #expect(aggregator.add(member(2), key: "b", member: 2, now: .zero) == nil)
        #expect(aggregator.add(member(3), key: "a", member: 3, now: .milliseconds(10)) == nil)
        let first = member(4)
        let gathered = try #require(aggregator.add(first, key: "a", member: 4, now: .milliseconds(20)))
        #expect(gathered.members == [1, 3, 4])
        let payload = try gathered.packet.json()
        #expect(payload == ["key": "a", "complete": true, "count": 3, "members": [["v": 1], ["v": 3], ["v": 4]]])
        #expect(aggregator.expired(now: .milliseconds(999)).isEmpty)
        let late = aggregator.expired(now: .seconds(1))
        #expect(late.map(\.members) == [[2]])
        #expect(try late.first?.packet.json()["complete"] == false)
        #expect(aggregator.openGroups == 0)
    }

    @Test("dropping members takes them out of their groups; a group left empty is gone, the others keep gathering")
    func collectiveDrop() throws {
        let aggregator = CollectiveAggregator<Int>(quorum: 3, timeout: .seconds(60))
        func member(_ n: Int) -> Packet { Packet(group: .collective, kind: "vote", payload: Array("{\"v\":\(n)}".utf8)) }
        _ = aggregator.add(member(1), key: "a", member: 1, now: .zero)
        _ = aggregator.add(member(2), key: "a", member: 2, now: .zero)
        _ = aggregator.add(member(3), key: "b", member: 3, now: .zero)
        #expect(aggregator.drop { $0 % 2 == 1 }.sorted() == [1, 3])
        #expect(aggregator.openGroups == 1)
        // The group keeps only member 2: two more complete it, member 1 is not counted.
        #expect(aggregator.add(member(4), key: "a", member: 4, now: .zero) == nil)
        let gathered = try #require(aggregator.add(member(6), key: "a", member: 6, now: .zero))
        #expect(gathered.members == [2, 4, 6])
    }

    @Test("a dead-letter record keeps key, value and headers, and adds reason, stage, molecule, source and attempt")
    func deadLetterRecord() {
        let original = PacketRecord(
            topic: "in", partition: 2, offset: 41, key: Array("k".utf8), value: Array("{}".utf8),
            headers: [PacketHeader(name: "pf-attempt", text: "2"), PacketHeader(name: "tenant", text: "acme")])
        let record = DeadLetter.record(for: original, topic: "pf.M.dead-letter", reason: "boom", molecule: "M", stage: "S", attempt: 4)
        #expect(record.topic == "pf.M.dead-letter")
        #expect(record.key == original.key && record.value == original.value)
        #expect(record.headers.map(\.name) == ["tenant", "pf-attempt", "pf-dlq-reason", "pf-dlq-stage", "pf-dlq-molecule", "pf-dlq-source"])
        #expect(record.headers.map(\.text) == ["acme", "4", "boom", "S", "M", "in[2]@41"])
    }

    @Test("a handler asking for a state store its stage does not share gets a clear error")
    func unknownStore() {
        let context = HandlerContext(molecule: "M", stage: "S", packetName: "P")
        #expect(throws: RuntimeError.self) { try context.stateStore() }
    }
}
