/// The checked events of one read: the hand-off between the publisher's checking thread and
/// its producing thread.
///
/// The checking side copies a read's complete lines into ``bytes`` and notes each event (where
/// it is, its key) or why a line is not one; the producing side sends the events in order and
/// hands the batch back to be filled again, so a run uses the same few batches throughout.
///
/// `@unchecked Sendable`: a batch belongs to one side at a time, passed on through streams.
final class EventBatch: @unchecked Sendable {
    /// One event: `count` bytes at `offset` in ``bytes``.
    struct Event {
        var offset: Int
        var count: Int
        var key: [UInt8]?
    }

    /// The line that ends the input: not an event, and invalid lines are not skipped.
    struct Problem {
        var lineNumber: Int
        var column: Int
        var message: String
    }

    private(set) var bytes: UnsafeMutableRawBufferPointer
    private var used = 0
    private(set) var events: [Event] = []
    /// Lines skipped as invalid (with `skipInvalid`).
    var invalid = 0
    /// Set on the last batch of a run that stops at an invalid line; its events come before it.
    var problem: Problem?

    init(capacity: Int = 1 << 20) {
        bytes = .allocate(byteCount: capacity, alignment: 16)
        events.reserveCapacity(capacity / 32)
    }

    deinit {
        bytes.deallocate()
    }

    /// Empties the batch for another read, keeping its memory.
    func reset() {
        used = 0
        events.removeAll(keepingCapacity: true)
        invalid = 0
        problem = nil
    }

    /// Copies `line` in as an event keyed by `key`.
    func append(_ line: UnsafeRawBufferPointer, key: [UInt8]?) {
        if used + line.count > bytes.count {
            grow(toHold: used + line.count)
        }
        if let source = line.baseAddress, line.count > 0 {
            (bytes.baseAddress! + used).copyMemory(from: source, byteCount: line.count)
        }
        events.append(Event(offset: used, count: line.count, key: key))
        used += line.count
    }

    /// The bytes of `event`, valid until the batch is reset.
    func value(of event: Event) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: bytes.baseAddress! + event.offset, count: event.count)
    }

    private func grow(toHold size: Int) {
        var capacity = bytes.count * 2
        while capacity < size { capacity *= 2 }
        let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
        larger.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[..<used]))
        bytes.deallocate()
        bytes = larger
    }
}
