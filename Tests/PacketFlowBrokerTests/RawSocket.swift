#if canImport(Glibc)
import Glibc
#endif

/// A plain blocking TCP socket on 127.0.0.1, for driving the forwarder byte by byte.
///
/// Every wait is bounded by `poll(2)` with a timeout, so a broken relay fails a test
/// instead of hanging it.
final class RawSocket {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// A socket listening on 127.0.0.1 at a free port.
    static func listen() throws -> (RawSocket, port: Int) {
        let socket = try RawSocket(descriptor: check(Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0), "socket"))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        try withUnsafePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                _ = try check(bind(socket.descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)), "bind")
            }
        }
        _ = try check(Glibc.listen(socket.descriptor, 8), "listen")
        var bound = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket.descriptor, $0, &length) }
        }
        return (socket, Int(UInt16(bigEndian: bound.sin_port)))
    }

    /// A socket connected to 127.0.0.1:`port`.
    static func connect(port: Int) throws -> RawSocket {
        let socket = try RawSocket(descriptor: check(Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0), "socket"))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        try withUnsafePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                _ = try check(Glibc.connect(socket.descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)), "connect")
            }
        }
        return socket
    }

    /// Accepts one connection, waiting at most `timeoutMilliseconds`.
    func accept(timeoutMilliseconds: Int32) throws -> RawSocket {
        guard wait(for: Int16(POLLIN), timeoutMilliseconds: timeoutMilliseconds) else {
            throw Failure(description: "no connection within \(timeoutMilliseconds) ms")
        }
        return try RawSocket(descriptor: Self.check(Glibc.accept(descriptor, nil, nil), "accept"))
    }

    /// Writes as much of `bytes` as the socket takes within `timeoutMilliseconds` of no progress.
    ///
    /// Returns how many bytes went out; fewer than `bytes.count` means the peer stopped taking them.
    func write(_ bytes: [UInt8], stallMilliseconds: Int32) -> Int {
        var sent = 0
        while sent < bytes.count {
            guard wait(for: Int16(POLLOUT), timeoutMilliseconds: stallMilliseconds) else { return sent }
            let count = bytes[sent...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count > 0 {
                sent += count
            } else if errno != EAGAIN && errno != EWOULDBLOCK {
                return sent
            }
        }
        return sent
    }

    /// Reads exactly `count` bytes, or throws if they do not come within `timeoutMilliseconds` of no progress.
    func read(count: Int, timeoutMilliseconds: Int32) throws -> [UInt8] {
        var received: [UInt8] = []
        received.reserveCapacity(count)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while received.count < count {
            guard wait(for: Int16(POLLIN), timeoutMilliseconds: timeoutMilliseconds) else {
                throw Failure(description: "read stalled after \(received.count) of \(count) bytes")
            }
            let wanted = min(chunk.count, count - received.count)
            let got = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, wanted, 0) }
            guard got > 0 else { throw Failure(description: "connection closed after \(received.count) of \(count) bytes") }
            received += chunk[..<got]
        }
        return received
    }

    /// Ends the connection both ways, as a closing peer would.
    func shutDown() {
        shutdown(descriptor, Int32(SHUT_RDWR))
    }

    /// Whether the peer closes the connection within `timeoutMilliseconds`.
    func seesClose(timeoutMilliseconds: Int32) -> Bool {
        var byte: UInt8 = 0
        guard wait(for: Int16(POLLIN), timeoutMilliseconds: timeoutMilliseconds) else { return false }
        return recv(descriptor, &byte, 1, 0) <= 0
    }

    private func wait(for events: Int16, timeoutMilliseconds: Int32) -> Bool {
        var entry = pollfd(fd: descriptor, events: events, revents: 0)
        return poll(&entry, 1, timeoutMilliseconds) > 0
    }

    private static func check(_ result: Int32, _ call: String) throws -> Int32 {
        guard result >= 0 else { throw Failure(description: "\(call) failed: \(String(cString: strerror(errno)))") }
        return result
    }
}
