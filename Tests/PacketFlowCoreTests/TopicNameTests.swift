import PacketFlowCore
import Testing

@Suite("Topic names: Kafka's rule, in one place")
struct TopicNameTests {
    @Test("legal names", arguments: ["orders", "pf.Checkout.input", "a-b_c.9", String(repeating: "x", count: 249)])
    func legal(_ name: String) {
        #expect(TopicName.isLegal(name))
    }

    @Test("illegal names", arguments: ["", ".", "..", "has space", "slash/inside", "ümlaut", String(repeating: "x", count: 250)])
    func illegal(_ name: String) {
        #expect(!TopicName.isLegal(name))
    }
}
