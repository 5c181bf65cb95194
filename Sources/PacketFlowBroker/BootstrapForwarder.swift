import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A TCP forwarder that gives the embedded cluster a stable bootstrap address.
///
/// librdkafka's mock brokers listen on random ports. The forwarder listens on a fixed
/// address and relays each client connection, byte for byte, to one of the brokers. A Kafka
/// client only uses that connection to bootstrap: the Metadata response names the brokers'
/// own `127.0.0.1:PORT` addresses, which the client then reaches directly. So the forwarder
/// serves clients on the same host; a remote client would need the brokers' ports as well.
///
/// Create it with `bind(to:upstreams:eventLoopGroup:logger:)`, which listens before it
/// returns (so a port in use is reported at once), then run it as a `Service`: it forwards
/// until graceful shutdown or cancellation, then closes the listener and every open relay.
public final class BootstrapForwarder: Service {
    /// The address the forwarder listens on, with the actual port when port 0 was asked for.
    public let localAddress: ListenAddress

    private let serverChannel: any Channel
    private let connector: UpstreamConnector
    private let logger: Logger

    private init(localAddress: ListenAddress, serverChannel: any Channel, connector: UpstreamConnector, logger: Logger) {
        self.localAddress = localAddress
        self.serverChannel = serverChannel
        self.connector = connector
        self.logger = logger
    }

    /// Listens on `address` and prepares to relay connections to `upstreams`, taken in turn.
    ///
    /// Connections are accepted and relayed as soon as this returns; `run()` closes the
    /// listener and every relay when it ends, so run every forwarder you bind. Throws
    /// `BrokerError` with code `listenFailed` (port in use, unknown host, no permission) or
    /// `invalidListenAddress` (no upstreams). Default event loop group: NIO's shared singleton.
    public static func bind(
        to address: ListenAddress,
        upstreams: [ListenAddress],
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) async throws(BrokerError) -> BootstrapForwarder {
        guard !upstreams.isEmpty else {
            throw BrokerError(code: .invalidListenAddress, message: "the bootstrap forwarder needs at least one broker address")
        }
        let connector = UpstreamConnector(upstreams: upstreams, logger: logger)
        let serverChannel: any Channel
        do {
            serverChannel = try await ServerBootstrap(group: eventLoopGroup)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelOption(.backlog, value: 128)
                .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { client in connector.relay(client) }
                .bind(host: address.host, port: address.port)
                .get()
        } catch {
            throw BrokerError(code: .listenFailed, message: "cannot listen on \(address): \(Self.explain(error))")
        }
        let localAddress = ListenAddress(host: address.host, port: serverChannel.localAddress?.port ?? address.port)
        return BootstrapForwarder(localAddress: localAddress, serverChannel: serverChannel, connector: connector, logger: logger)
    }

    /// Forwards connections until graceful shutdown or cancellation, then closes them all.
    public func run() async throws {
        logger.info("bootstrap forwarder listening", metadata: ["address": "\(localAddress)"])
        let serverChannel = self.serverChannel
        await withTaskCancellationOrGracefulShutdownHandler {
            try? await serverChannel.closeFuture.get()
        } onCancelOrGracefulShutdown: {
            serverChannel.close(promise: nil)
        }
        await connector.closeAll()
        logger.info("bootstrap forwarder stopped", metadata: ["address": "\(localAddress)"])
    }

    /// Words for a user instead of NIO's error dumps, for the failures a user can cause.
    private static func explain(_ error: any Error) -> String {
        switch error {
        case let error as IOError where error.errnoCode == EADDRINUSE:
            "the address is in use (is another broker running? choose another port with --listen)"
        case let error as IOError where error.errnoCode == EACCES:
            "permission denied (ports below 1024 need privileges; choose another port with --listen)"
        case let error as IOError where error.errnoCode == EADDRNOTAVAIL:
            "no network interface of this host has that address"
        case is SocketAddressError:
            "unknown host"
        default:
            "\(error)"
        }
    }
}
