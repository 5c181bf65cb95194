import Foundation
import Synchronization

/// Appends JSON lines to a file, rotating it by size: the file sink's writer.
///
/// Each ``write(_:)`` appends one line (the bytes and `\n`) whole, never split across files.
/// Before a line would make the file larger than `maxBytes`, the file is renamed `PATH.1`
/// (`PATH.1` becomes `PATH.2`, and so on; past `keep` files the oldest is removed) and a new
/// `PATH` is started; a single line larger than `maxBytes` gets a file of its own.
/// Thread-safe: writes are serialized by a mutex. Each write is one `write(2)` of a small
/// buffer to a local file, short enough for a caller's task; `close()` flushes nothing more
/// because nothing is buffered.
public final class RotatingFileWriter: Sendable {
    /// The file written.
    public let path: String
    /// The size at which the file rotates. Default: 64 MiB.
    public let maxBytes: Int
    /// Rotated files kept (`PATH.1` ... `PATH.keep`). Default: 5.
    public let keep: Int
    private let state: Mutex<State>

    private struct State: ~Copyable {
        var handle: FileHandle
        var size: Int
    }

    /// Opens (or creates) `path` for appending.
    ///
    /// Throws ``FileConnectorError`` when the file cannot be opened or a limit is below 1.
    public init(path: String, maxBytes: Int = 64 << 20, keep: Int = 5) throws(FileConnectorError) {
        guard maxBytes >= 1, keep >= 1 else {
            throw FileConnectorError(.invalidConfiguration, "\(path): maxBytes and keep must be at least 1")
        }
        self.path = path
        self.maxBytes = maxBytes
        self.keep = keep
        let (handle, size) = try Self.open(path)
        self.state = Mutex(State(handle: handle, size: size))
    }

    /// Appends `line` and a newline, rotating first when the file would pass ``maxBytes``.
    public func write(_ line: some Collection<UInt8>) throws(FileConnectorError) {
        var bytes = Data(line)
        bytes.append(0x0A)
        try state.withLock { state throws(FileConnectorError) in
            if state.size > 0, state.size + bytes.count > maxBytes {
                try rotate(&state)
            }
            do {
                try state.handle.write(contentsOf: bytes)
            } catch {
                throw FileConnectorError(.writeFailed, "\(path): cannot write: \(error.localizedDescription)")
            }
            state.size += bytes.count
        }
    }

    /// Closes the file; later writes fail.
    public func close() {
        state.withLock { state in try? state.handle.close() }
    }

    private func rotate(_ state: inout State) throws(FileConnectorError) {
        let files = FileManager.default
        do {
            try state.handle.close()
            try? files.removeItem(atPath: "\(path).\(keep)")
            for index in stride(from: keep - 1, through: 1, by: -1) where files.fileExists(atPath: "\(path).\(index)") {
                try files.moveItem(atPath: "\(path).\(index)", toPath: "\(path).\(index + 1)")
            }
            try files.moveItem(atPath: path, toPath: "\(path).1")
        } catch {
            throw FileConnectorError(.writeFailed, "\(path): cannot rotate: \(error.localizedDescription)")
        }
        (state.handle, state.size) = try Self.open(path)
    }

    private static func open(_ path: String) throws(FileConnectorError) -> (FileHandle, Int) {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw FileConnectorError(.writeFailed, "\(path): cannot create the file")
            }
        }
        do {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            let size = try handle.seekToEnd()
            return (handle, Int(size))
        } catch {
            throw FileConnectorError(.writeFailed, "\(path): cannot open: \(error.localizedDescription)")
        }
    }
}
