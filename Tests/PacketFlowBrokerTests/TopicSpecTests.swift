import PacketFlowBroker
import PacketFlowKafka
import Testing

@Suite("Topic specifications and requests")
struct TopicSpecTests {
    @Test("parses NAME:PARTITIONS", arguments: [
        ("orders:12", "orders", 12),
        ("a.b_c-d:1", "a.b_c-d", 1),
        ("orders: 3\n", "orders", 3),
    ])
    func parses(text: String, name: String, partitions: Int) throws {
        let spec = try TopicSpec(parsing: text)
        #expect(spec.name == name)
        #expect(spec.partitions == partitions)
    }

    @Test("rejects bad names and counts", arguments: [
        "orders", "orders:", "orders:x", "orders:0", ":3", "bad name:3", "..:2", "ordres:-4",
    ])
    func rejects(text: String) {
        let error = #expect(throws: TopicError.self) { try TopicSpec(parsing: text) }
        #expect(error?.code == .invalidTopicSpec)
    }

    @Test("a request message round-trips through key and value")
    func requestRoundTrip() throws {
        let spec = try TopicSpec(name: "orders", partitions: 12)
        let message = TopicRequestChannel.message(for: spec)
        #expect(message.key == Array("orders".utf8))
        #expect(message.value == Array("12".utf8))
        #expect(try TopicRequestChannel.spec(key: message.key, value: message.value) == spec)
    }

    @Test("a request typed in a shell reads as the topic it names")
    func typedRequest() throws {
        let spec = try TopicRequestChannel.spec(key: Array("payments".utf8), value: Array("6\r\n".utf8))
        #expect(spec == (try TopicSpec(name: "payments", partitions: 6)))
    }

    @Test("a request without a key or a count is refused with a hint", arguments: [
        (nil, "6"), ("orders", nil), ("orders", "many"), ("orders", "0"),
    ] as [(String?, String?)])
    func badRequest(key: String?, value: String?) {
        let error = #expect(throws: TopicError.self) {
            try TopicRequestChannel.spec(key: key.map { Array($0.utf8) }, value: value.map { Array($0.utf8) })
        }
        #expect(error?.code == .invalidTopicSpec)
    }
}
