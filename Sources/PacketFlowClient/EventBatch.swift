import PacketFlowCore

/// The checked events of one read: the hand-off between the publisher's checking thread and
/// its producing thread.
///
/// The checking side copies a read's complete lines and their keys into ``bytes``, draws the
/// random part of each event's packet id, and notes each event (where those bytes are) or why a
/// line is not one; the producing side adds the time to the id, sends the events in order and
/// hands the batch back to be filled again, so a run uses the same few batches throughout. An
/// event holds no reference, so sending one retains nothing.
///
/// `@unchecked Sendable`: a batch belongs to one side at a time, passed on through streams.
final class EventBatch: @unchecked Sendable {
    /// One event: its value's, its key's (no key: `nil`) and its id's random part's bytes in
    /// ``bytes``.
    struct Event {
        var value: Range<Int>
        var key: Range<Int>?
        var idRandomDigits: Range<Int>
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
    /// Draws the random parts of the events' ids.
    private var ids = PacketIDGenerator()
    /// Where ``storeFixedKey(_:)`` put the key every event of this batch shares.
    private var fixedKey: Range<Int>?
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
        fixedKey = nil
        invalid = 0
        problem = nil
    }

    /// Copies `line` in as an event keyed by the bytes at `key` (from ``store(_:)``), and draws
    /// the random part of its id.
    func append(_ line: UnsafeRawBufferPointer, key: Range<Int>?) {
        let value = store(line)
        let idRandomDigits = reserve(PacketID.randomDigitCount)
        ids.writeRandomDigits(into: UnsafeMutableRawBufferPointer(rebasing: bytes[idRandomDigits]))
        events.append(Event(value: value, key: key, idRandomDigits: idRandomDigits))
    }

    /// Draws new random parts for the events' ids: for a batch sent more than once.
    func drawNewIDs() {
        for event in events {
            ids.writeRandomDigits(into: UnsafeMutableRawBufferPointer(rebasing: bytes[event.idRandomDigits]))
        }
    }

    /// Copies `bytes` in (a key) and returns where they are.
    func store(_ bytes: UnsafeRawBufferPointer) -> Range<Int> {
        let range = reserve(bytes.count)
        if let source = bytes.baseAddress, bytes.count > 0 {
            (self.bytes.baseAddress! + range.lowerBound).copyMemory(from: source, byteCount: bytes.count)
        }
        return range
    }

    /// Makes room for `count` more bytes and returns where they are.
    private func reserve(_ count: Int) -> Range<Int> {
        if used + count > bytes.count {
            grow(toHold: used + count)
        }
        defer { used += count }
        return used..<used + count
    }

    /// Copies the key that every event of the run shares in once per batch; returns where it is.
    func storeFixedKey(_ key: [UInt8]) -> Range<Int> {
        if let fixedKey { return fixedKey }
        let range = key.withUnsafeBytes { store($0) }
        fixedKey = range
        return range
    }

    /// The bytes at `range` (an event's value or key), valid until the batch is reset.
    subscript(range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: bytes.baseAddress! + range.lowerBound, count: range.count)
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
