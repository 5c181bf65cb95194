/// Headers prepared once and added to many records, e.g. a publisher's constant metadata.
///
/// Names and values live in one buffer, so adding the list to a record
/// (`KafkaRecordHeaders.append(contentsOf:)`) costs no Swift allocation and no reference
/// counting per header. Order, repeated names, null and empty values are kept as given.
public struct KafkaHeaderList: Sendable {
    /// Each name NUL-terminated, followed by its value's bytes.
    private let bytes: [UInt8]
    private let entries: [Entry]

    private struct Entry: Sendable {
        var nameOffset: Int
        var nameCount: Int
        /// `nil` for a null value.
        var valueOffset: Int?
        var valueCount: Int
    }

    /// Copies `headers`, in order.
    public init(_ headers: [KafkaHeader]) {
        var bytes: [UInt8] = []
        var entries: [Entry] = []
        entries.reserveCapacity(headers.count)
        for header in headers {
            let nameOffset = bytes.count
            bytes.append(contentsOf: header.key.utf8)
            bytes.append(0)
            let valueOffset = header.value.map { _ in bytes.count }
            bytes.append(contentsOf: header.value ?? [])
            entries.append(Entry(
                nameOffset: nameOffset, nameCount: header.key.utf8.count, valueOffset: valueOffset,
                valueCount: header.value?.count ?? 0))
        }
        self.bytes = bytes
        self.entries = entries
    }

    /// How many headers the list holds.
    public var count: Int { entries.count }

    /// Calls `body` with each header's NUL-terminated name, its length, and its value (`nil`
    /// when null; a valid pointer, even for an empty value) and length. The pointers are valid
    /// only during the call.
    func forEachHeader(_ body: (UnsafePointer<CChar>, Int, UnsafeRawPointer?, Int) -> Void) {
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            for entry in entries {
                body(
                    (base + entry.nameOffset).assumingMemoryBound(to: CChar.self),
                    entry.nameCount,
                    entry.valueOffset.map { base + $0 },
                    entry.valueCount
                )
            }
        }
    }
}
