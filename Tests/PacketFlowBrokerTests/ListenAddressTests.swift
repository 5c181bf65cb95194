import PacketFlowBroker
import Testing

@Suite("Listen address")
struct ListenAddressTests {
    @Test("parses the forms a user types", arguments: [
        ("127.0.0.1:9092", "127.0.0.1", 9092),
        ("localhost:19092", "localhost", 19092),
        ("0.0.0.0:0", "0.0.0.0", 0),
        ("[::1]:9092", "::1", 9092),
    ])
    func parses(text: String, host: String, port: Int) throws {
        let address = try ListenAddress(parsing: text)
        #expect(address.host == host)
        #expect(address.port == port)
        #expect(address.description == text)
    }

    @Test("rejects what is not HOST:PORT with a message naming the form", arguments: [
        "nonsense", "9092", ":9092", "127.0.0.1:", "127.0.0.1:http", "127.0.0.1:65536", "127.0.0.1:-1", "::1:9092",
    ])
    func rejects(text: String) {
        let error = #expect(throws: BrokerError.self) { try ListenAddress(parsing: text) }
        #expect(error?.code == .invalidListenAddress)
        #expect(error?.description.contains("'\(text)'") == true)
    }

    @Test("tells loopback addresses, which only this host reaches, from the others", arguments: [
        ("127.0.0.1:9092", true), ("localhost:9092", true), ("[::1]:9092", true),
        ("0.0.0.0:9092", false), ("192.168.1.4:9092", false),
    ])
    func loopback(text: String, isLoopback: Bool) throws {
        #expect(try ListenAddress(parsing: text).isLoopback == isLoopback)
    }
}
