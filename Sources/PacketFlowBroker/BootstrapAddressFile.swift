#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file that holds the embedded broker's bootstrap address, for scripts and tests.
///
/// The file holds one line, `HOST:PORT`. It is written to a temporary file beside it and
/// renamed into place, so a reader that sees the file sees all of it.
public struct BootstrapAddressFile: Sendable {
    /// Where the file goes.
    public var path: String

    /// A file at `path`; nothing is written until `write(_:)`.
    public init(path: String) {
        self.path = path
    }

    /// Writes `address` and a line break, replacing any previous file atomically.
    ///
    /// Throws `BrokerError` with code `addressFileFailed` naming the path and the reason.
    public func write(_ address: ListenAddress) throws(BrokerError) {
        let temporaryPath = "\(path).tmp-\(getpid())"
        let bytes = Array("\(address)\n".utf8)
        let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure("cannot create \(temporaryPath)") }
        let written = bytes.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress, $0.count) }
        let closed = close(descriptor)
        guard written == bytes.count, closed == 0 else {
            let error = failure("cannot write \(temporaryPath)")
            unlink(temporaryPath)
            throw error
        }
        guard rename(temporaryPath, path) == 0 else {
            let error = failure("cannot move \(temporaryPath) to \(path)")
            unlink(temporaryPath)
            throw error
        }
    }

    private func failure(_ what: String) -> BrokerError {
        BrokerError(code: .addressFileFailed, message: "address file: \(what): \(String(cString: strerror(errno)))")
    }
}

/// The C library's `write(2)`, out of reach of the method's own name.
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
