import Foundation

/// A TCP port on 127.0.0.1 nobody listens on, for servers that need their port before they start.
public enum FreePort {
    /// A port the kernel just handed out for an ephemeral bind; free again when this returns.
    ///
    /// Another process could take it in between; the kernel hands ports out in turn, which
    /// makes that rare on a test machine.
    public static func pick() throws -> Int {
        try bound(port: 0)
    }

    /// A free port below the kernel's ephemeral range, for a server that stops and starts
    /// again on the same port: while it is down, no ephemeral bind and no outgoing connection
    /// (a test suite makes thousands) can take its port.
    public static func pickOutsideEphemeralRange() throws -> Int {
        let range = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8))?
            .split(whereSeparator: \.isWhitespace).compactMap { Int($0) } ?? []
        let firstEphemeral = range.first ?? 32_768
        var lastError: Failure?
        for _ in 0..<100 {
            do {
                return try bound(port: Int.random(in: 10_000..<max(firstEphemeral, 10_001)))
            } catch {
                lastError = error
            }
        }
        throw lastError ?? Failure(call: "bind", code: EADDRINUSE)
    }

    /// Binds 127.0.0.1:`port` (0: any) and closes again; returns the port bound.
    private static func bound(port: Int) throws(Failure) -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(call: "socket", code: errno) }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else { throw Failure(call: "bind", code: errno) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A socket call failed.
    public struct Failure: Error, CustomStringConvertible {
        /// The call.
        public var call: String
        /// Its errno.
        public var code: Int32
        /// `bind failed: errno 98`.
        public var description: String { "\(call) failed: errno \(code)" }
    }
}
