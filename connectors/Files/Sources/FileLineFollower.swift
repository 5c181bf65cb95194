import Foundation

/// The lines of a JSON-lines file, optionally following it as it grows: the file source's reader.
///
/// Pull-based (the next line is read only when asked for, so a slow consumer slows reading).
/// Only complete lines are returned: a last line without its newline waits, in follow mode,
/// until the writer finishes it. In follow mode the file is polled every `pollInterval` at its
/// end; a file that shrinks (truncated or replaced by rotation) is read again from its start.
/// Without follow mode the sequence ends at the end of the file, and a last line without a
/// newline is returned. Not thread-safe: one task iterates.
public struct FileLineFollower: AsyncSequence, Sendable {
    public typealias Element = [UInt8]

    /// The file read.
    public let path: String
    /// Keep waiting for more lines at the end of the file. Default: false.
    public let follow: Bool
    /// How often the end of a followed file is checked for growth. Default: 200 ms.
    public let pollInterval: Duration

    /// Lines of `path`; with `follow`, forever (until the task is cancelled).
    public init(path: String, follow: Bool = false, pollInterval: Duration = .milliseconds(200)) {
        self.path = path
        self.follow = follow
        self.pollInterval = pollInterval
    }

    /// An iterator from the file's start.
    public func makeAsyncIterator() -> Iterator {
        Iterator(path: path, follow: follow, pollInterval: pollInterval)
    }

    /// Reads the file in 64 KiB chunks and splits them into lines.
    public struct Iterator: AsyncIteratorProtocol {
        let path: String
        let follow: Bool
        let pollInterval: Duration
        private var handle: FileHandle?
        private var offset: UInt64 = 0
        private var pending: [UInt8] = []
        private var finished = false

        init(path: String, follow: Bool, pollInterval: Duration) {
            self.path = path
            self.follow = follow
            self.pollInterval = pollInterval
        }

        /// The next complete line without its newline (and without a `\r` before it); nil at
        /// the end of an unfollowed file. Throws ``FileConnectorError`` when the file cannot be
        /// read, or `CancellationError` when a followed file's wait is cancelled.
        public mutating func next() async throws -> [UInt8]? {
            while true {
                if let newline = pending.firstIndex(of: 0x0A) {
                    var line = Array(pending[..<newline])
                    pending.removeSubrange(...newline)
                    if line.last == 0x0D { line.removeLast() }
                    return line
                }
                if finished { return nil }
                let chunk = try readChunk()
                if !chunk.isEmpty {
                    pending += chunk
                    continue
                }
                guard follow else {
                    finished = true
                    if pending.isEmpty { return nil }
                    defer { pending = [] }
                    return pending
                }
                try await Task.sleep(for: pollInterval)
                try restartIfShrunk()
            }
        }

        private mutating func readChunk() throws -> [UInt8] {
            if handle == nil {
                guard let opened = FileHandle(forReadingAtPath: path) else {
                    if follow { return [] }
                    throw FileConnectorError(.readFailed, "\(path): cannot open the file for reading")
                }
                handle = opened
            }
            do {
                let data = try handle?.read(upToCount: 64 << 10) ?? Data()
                offset += UInt64(data.count)
                return Array(data)
            } catch {
                throw FileConnectorError(.readFailed, "\(path): cannot read: \(error.localizedDescription)")
            }
        }

        private mutating func restartIfShrunk() throws {
            guard let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.uint64Value,
                size < offset
            else { return }
            try? handle?.close()
            handle = nil
            offset = 0
            pending = []
        }
    }
}
