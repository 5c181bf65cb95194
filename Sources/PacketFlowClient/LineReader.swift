import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file or standard input line by line in constant memory, optionally following a file as it grows.
///
/// Lines are handed out a read at a time (``forEachBatch(_:)``) as views into one reusable
/// buffer, valid only during the call, so a file of any size is read with the memory of its
/// longest line. A final line without a
/// newline is still a line; a trailing `\r` is removed. The blocking `read(2)` calls run on a
/// dispatch queue of their own, one 1 MiB chunk at a time, never on the Swift concurrency pool.
///
/// Following (`tail -F` style, ``init(following:pollInterval:)``): at the end of the file the
/// reader waits and reads again every `pollInterval`; a last line without its newline is held
/// back until the newline arrives (a writer may be half-way through it); a file that shrank
/// (truncated or rotated in place by a log rotator's copytruncate) is read again from its
/// start. It ends only when the task is cancelled.
///
/// `@unchecked Sendable`: the buffer is touched by one read at a time, and the reading task
/// awaits each read before it looks at the buffer again.
public final class LineReader: @unchecked Sendable {
    /// The longest line accepted. Default: 16 MiB.
    public static let maximumLineLength = 16 << 20

    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private let name: String
    /// The wait between reads at the end of a followed file; nil when not following.
    private let followInterval: Duration?
    private var buffer: UnsafeMutableRawBufferPointer
    private static let ioQueue = DispatchQueue(label: "packetflow.line-reader")

    /// Opens `path` for reading.
    ///
    /// - Throws: ``ClientError`` naming the path and the system's reason.
    public convenience init(path: String) throws(ClientError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ClientError(.input, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        self.init(descriptor: descriptor, owned: true, name: path, followInterval: nil)
    }

    /// Opens `path` to follow it as it grows, checking for more every `pollInterval`.
    ///
    /// - Throws: ``ClientError`` naming the path and the system's reason.
    public convenience init(following path: String, pollInterval: Duration = .milliseconds(200)) throws(ClientError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ClientError(.input, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        self.init(descriptor: descriptor, owned: true, name: path, followInterval: pollInterval)
    }

    /// Reads standard input.
    public static func standardInput() -> LineReader {
        LineReader(descriptor: 0, owned: false, name: "<stdin>", followInterval: nil)
    }

    private init(descriptor: Int32, owned: Bool, name: String, followInterval: Duration?) {
        self.descriptor = descriptor
        self.ownsDescriptor = owned
        self.name = name
        self.followInterval = followInterval
        self.buffer = .allocate(byteCount: 1 << 20, alignment: 16)
    }

    deinit {
        buffer.deallocate()
        if ownsDescriptor { close(descriptor) }
    }

    /// The name used in messages: the path, or `<stdin>`.
    public var displayName: String { name }

    /// Calls `body` with the complete lines of each read (up to 1 MiB of them) until the input
    /// ends or `body` returns `false`; lines are numbered from 1 across the whole input.
    ///
    /// `body` is expected to take every line of the batch before it returns `true`.
    ///
    /// - Throws: ``ClientError`` for read errors and over-long lines, or what `body` throws;
    ///   when following, `CancellationError` once the task is cancelled.
    public nonisolated(nonsending) func forEachBatch(
        _ body: nonisolated(nonsending) (_ lines: inout Lines) async throws -> Bool
    ) async throws {
        var filled = 0
        var lineNumber = 0
        var reachedEnd = false
        while !reachedEnd {
            if filled == buffer.count {
                try grow(lineNumber: lineNumber + 1)
            }
            let count = try await readChunk(into: filled)
            if count == 0, let followInterval {
                // Nothing new: start over if the file shrank, then wait for more.
                if fileShrank() { filled = 0 }
                try await Task.sleep(for: followInterval)
                continue
            }
            reachedEnd = count == 0
            filled += count
            let base = UnsafeRawPointer(buffer.baseAddress!)
            let end = reachedEnd ? filled : Self.endOfLastLine(in: UnsafeRawBufferPointer(start: base, count: filled))
            var lines = Lines(base: base, end: end, lastNumber: lineNumber)
            guard try await body(&lines) else { return }
            lineNumber = lines.lastNumber
            if end > 0 {
                let rest = filled - end
                if rest > 0 { memmove(buffer.baseAddress!, buffer.baseAddress! + end, rest) }
                filled = rest
            }
        }
    }

    /// The complete lines of one read, handed out in order by ``next()``; valid only during
    /// the ``LineReader/forEachBatch(_:)`` call that gives them.
    public struct Lines {
        private let base: UnsafeRawPointer
        private let end: Int
        private var start = 0
        /// The number of the last line handed out (of the line before the batch at first).
        fileprivate private(set) var lastNumber: Int

        fileprivate init(base: UnsafeRawPointer, end: Int, lastNumber: Int) {
            self.base = base
            self.end = end
            self.lastNumber = lastNumber
        }

        /// The next line, without its newline or trailing `\r`, and its 1-based number.
        public mutating func next() -> (line: UnsafeRawBufferPointer, number: Int)? {
            guard start < end else { return nil }
            let stop = memchr(base + start, 0x0A, end - start).map { UnsafeRawPointer($0) - base } ?? end
            var lineEnd = stop
            if lineEnd > start && base.load(fromByteOffset: lineEnd - 1, as: UInt8.self) == 0x0D { lineEnd -= 1 }
            defer { start = stop + 1 }
            lastNumber += 1
            return (UnsafeRawBufferPointer(start: base + start, count: lineEnd - start), lastNumber)
        }
    }

    /// Whether the file is now shorter than what was read; if so, the next read starts at 0.
    private func fileShrank() -> Bool {
        var status = stat()
        let position = lseek(descriptor, 0, SEEK_CUR)
        guard fstat(descriptor, &status) == 0, position >= 0, Int64(status.st_size) < Int64(position) else { return false }
        return lseek(descriptor, 0, SEEK_SET) == 0
    }

    /// The offset just past the last newline, 0 when there is none.
    private static func endOfLastLine(in bytes: UnsafeRawBufferPointer) -> Int {
        var index = bytes.count
        while index > 0 {
            if bytes[index - 1] == 0x0A { return index }
            index -= 1
        }
        return 0
    }

    private func grow(lineNumber: Int) throws {
        guard buffer.count < Self.maximumLineLength else {
            throw ClientError(.input, "\(name):\(lineNumber): line longer than \(Self.maximumLineLength) bytes")
        }
        let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 16)
        larger.copyMemory(from: UnsafeRawBufferPointer(buffer))
        buffer.deallocate()
        buffer = larger
    }

    /// Reads once into the buffer after `offset`; returns the byte count, 0 at the end.
    private func readChunk(into offset: Int) async throws -> Int {
        let outcome: Result<Int, ClientError> = await withCheckedContinuation { continuation in
            Self.ioQueue.async { [self] in
                while true {
                    let count = read(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if count >= 0 { return continuation.resume(returning: .success(count)) }
                    if errno != EINTR {
                        let reason = String(cString: strerror(errno))
                        return continuation.resume(returning: .failure(ClientError(.input, "cannot read \(name): \(reason)")))
                    }
                }
            }
        }
        return try outcome.get()
    }
}
