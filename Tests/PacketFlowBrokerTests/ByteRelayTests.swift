import Logging
import PacketFlowBroker
import ServiceLifecycle
import Testing

@Suite("Byte relay behind the forwarder", .timeLimit(.minutes(1)))
struct ByteRelayTests {
    /// A forwarder in front of a plain socket the test controls, run around `body`.
    private func withForwarder(
        _ body: (_ client: RawSocket, _ broker: RawSocket) async throws -> Void
    ) async throws {
        let logger = Logger(label: "packetflow.broker.tests") { _ in SwiftLogNoOpLogHandler() }
        let (listener, port) = try RawSocket.listen()
        let forwarder = try await BootstrapForwarder.bind(
            to: ListenAddress(host: "127.0.0.1", port: 0),
            upstreams: [ListenAddress(host: "127.0.0.1", port: port)],
            logger: logger
        )
        let group = ServiceGroup(services: [forwarder], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                let client = try RawSocket.connect(port: forwarder.localAddress.port)
                let broker = try listener.accept(timeoutMilliseconds: 5_000)
                try await body(client, broker)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test("a broker that stops reading stalls the client instead of filling the forwarder's memory; the stream resumes intact")
    func backPressure() async throws {
        try await withForwarder { client, broker in
            // 40 MB of a 251-byte pattern, built by copying (a closure per byte takes seconds
            // in a debug build on a loaded machine).
            let pattern = (0..<251).map(UInt8.init)
            var offered: [UInt8] = []
            offered.reserveCapacity((40 << 20) + pattern.count)
            while offered.count < 40 << 20 { offered.append(contentsOf: pattern) }
            offered.removeLast(offered.count - (40 << 20))
            let accepted = client.write(offered, stallMilliseconds: 500)
            // Without back-pressure the forwarder takes all 40 MB; with it, only what the
            // sockets' buffers hold on the way (about 8 MB measured on Linux).
            #expect(accepted < 20 << 20, "the forwarder took \(accepted) bytes from a client whose broker reads nothing")
            let relayed = try broker.read(count: accepted, timeoutMilliseconds: 5_000)
            #expect(relayed == Array(offered[..<accepted]))
        }
    }

    @Test("bytes flow both ways, and closing the broker side closes the client side")
    func bothWaysThenClose() async throws {
        try await withForwarder { client, broker in
            let request = Array("ApiVersions?".utf8)
            #expect(client.write(request, stallMilliseconds: 1_000) == request.count)
            let forwarded = try broker.read(count: request.count, timeoutMilliseconds: 5_000)
            #expect(forwarded == request)
            let response = Array("ApiVersions!".utf8)
            #expect(broker.write(response, stallMilliseconds: 1_000) == response.count)
            let returned = try client.read(count: response.count, timeoutMilliseconds: 5_000)
            #expect(returned == response)
            broker.shutDown()
            #expect(client.seesClose(timeoutMilliseconds: 5_000))
        }
    }
}
