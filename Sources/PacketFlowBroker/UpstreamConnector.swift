import Logging
import NIOCore
import NIOPosix
import Synchronization

/// Joins each accepted client connection to a connection to one of the brokers.
///
/// Brokers are taken in turn; when one refuses the connection the next is tried, so a client
/// gets through while any broker listens. Open client connections are remembered so that
/// shutdown can close them (each client's broker connection closes with it).
final class UpstreamConnector: Sendable {
    private let upstreams: [ListenAddress]
    private let nextUpstream = Atomic<Int>(0)
    private let openConnections = Mutex<[ObjectIdentifier: any Channel]>([:])
    private let logger: Logger

    /// `upstreams` must not be empty.
    init(upstreams: [ListenAddress], logger: Logger) {
        precondition(!upstreams.isEmpty, "a forwarder needs at least one broker to forward to")
        self.upstreams = upstreams
        self.logger = logger
    }

    /// Connects `client` to a broker and installs the relay; runs on `client`'s event loop.
    ///
    /// The accepted channel is not registered yet (NIO registers it once this future
    /// succeeds), so no byte is read from the client before its broker connection exists.
    func relay(_ client: any Channel) -> EventLoopFuture<Void> {
        let (clientSide, brokerSide) = ByteRelayHandler.makePair()
        do {
            try client.pipeline.syncOperations.addHandler(clientSide)
        } catch {
            return client.eventLoop.makeFailedFuture(error)
        }
        let id = ObjectIdentifier(client)
        openConnections.withLock { $0[id] = client }
        client.closeFuture.whenComplete { [self] _ in
            _ = openConnections.withLock { $0.removeValue(forKey: id) }
        }
        let first = nextUpstream.wrappingAdd(1, ordering: .relaxed).oldValue
        return connect(
            from: client,
            brokerSide: NIOLoopBound(brokerSide, eventLoop: client.eventLoop),
            attempt: 0,
            first: first
        )
    }

    private func connect(
        from client: any Channel,
        brokerSide: NIOLoopBound<ByteRelayHandler>,
        attempt: Int,
        first: Int
    ) -> EventLoopFuture<Void> {
        let upstream = upstreams[(first + attempt) % upstreams.count]
        // The broker connection shares the client's event loop: the relay pair requires it.
        let connected = ClientBootstrap(group: client.eventLoop)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(brokerSide.value)
                }
            }
            .connect(host: upstream.host, port: upstream.port)
        return connected.map { [logger] _ in
            logger.debug(
                "client connected",
                metadata: ["client": "\(client.remoteAddress.map { "\($0)" } ?? "?")", "broker": "\(upstream)"]
            )
        }.flatMapError { [self] error in
            logger.warning("cannot reach broker \(upstream) for a forwarded connection: \(error)")
            guard attempt + 1 < upstreams.count else {
                return client.eventLoop.makeFailedFuture(error)
            }
            return connect(from: client, brokerSide: brokerSide, attempt: attempt + 1, first: first)
        }
    }

    /// Closes every open client connection and waits until they are closed.
    func closeAll() async {
        let channels = openConnections.withLock { Array($0.values) }
        for channel in channels {
            channel.close(promise: nil)
        }
        for channel in channels {
            try? await channel.closeFuture.get()
        }
    }
}
