#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A packet's identity: unique, and sortable by creation time.
///
/// New packets get a ULID: 26 characters of Crockford base32, 48 bits of milliseconds since
/// the Unix epoch followed by 80 random bits, so string order is time order. A message from a
/// foreign producer gets a deterministic id from where it lives, `kafka:TOPIC:PARTITION:OFFSET`,
/// so re-reading the same message always yields the same id and sinks can drop duplicates.
public struct PacketID: Sendable, Hashable, Comparable, Codable {
    /// The id as it travels in the `pf-id` header.
    public let rawValue: String

    /// Wraps an existing id; any non-empty string is accepted.
    public init?(_ rawValue: String) {
        guard !rawValue.isEmpty else { return nil }
        self.rawValue = rawValue
    }

    /// A new ULID for a packet created now.
    public static func generate() -> PacketID {
        var random = SystemRandomNumberGenerator()
        return generate(milliseconds: Self.nowMilliseconds(), using: &random)
    }

    /// A ULID for the given creation time, with randomness from `generator`.
    public static func generate(
        milliseconds: Int64, using generator: inout some RandomNumberGenerator
    ) -> PacketID {
        // 128 bits: 48 of time, 80 of randomness.
        let high = (UInt64(truncatingIfNeeded: milliseconds) << 16) | UInt64(generator.next() as UInt16)
        let low = generator.next() as UInt64
        return PacketID(trusted: String(unsafeUninitializedCapacity: textLength) { buffer in
            write(high: high, low: low, into: UnsafeMutableRawBufferPointer(buffer))
            return textLength
        })
    }

    /// The length of a generated id: 26 characters.
    static let textLength = 26

    /// The length of an id's random part, its last 16 characters (80 bits).
    public static let randomDigitCount = 16

    /// Writes the 128 bits `high`:`low` as 26 Crockford base32 digits (130 bits, the top two
    /// zero) into the first 26 bytes of `digits`: ten for the 48 bits of time at the top, then
    /// sixteen for the 80 random bits.
    static func write(high: UInt64, low: UInt64, into digits: UnsafeMutableRawBufferPointer) {
        writeTime(high >> 16, into: digits)
        writeRandom(high: high & 0xFFFF, low: low, into: UnsafeMutableRawBufferPointer(rebasing: digits[10...]))
    }

    /// Writes the 48 bits of `milliseconds` as the ten digits of an id's time part into the
    /// first 10 bytes of `digits`.
    static func writeTime(_ milliseconds: UInt64, into digits: UnsafeMutableRawBufferPointer) {
        let alphabet = crockfordAlphabet.utf8Start
        var value = milliseconds & 0xFFFF_FFFF_FFFF
        for index in stride(from: 9, through: 0, by: -1) {
            digits[index] = alphabet[Int(value & 0x1F)]
            value >>= 5
        }
    }

    /// Writes the 80 bits `high` (16 of them) : `low` as the sixteen digits of an id's random
    /// part into the first 16 bytes of `digits`.
    static func writeRandom(high: UInt64, low: UInt64, into digits: UnsafeMutableRawBufferPointer) {
        let alphabet = crockfordAlphabet.utf8Start
        var (high, low) = (high, low)
        // From the last digit (the lowest five bits) to the first, shifting the 80 bits right.
        for index in stride(from: randomDigitCount - 1, through: 0, by: -1) {
            digits[index] = alphabet[Int(low & 0x1F)]
            low = (low >> 5) | (high << 59)
            high >>= 5
        }
    }

    /// Calls `body` with the 26 characters of the id created at `milliseconds` whose random
    /// part is `randomDigits` (16 characters from `PacketIDGenerator.writeRandomDigits(into:)`),
    /// written on the stack.
    ///
    /// For bulk producers that draw the random parts ahead of time, on another thread, and
    /// add the time when the packet is sent.
    public static func withID<Result>(
        createdAt milliseconds: Int64, randomDigits: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> Result
    ) rethrows -> Result {
        precondition(randomDigits.count == randomDigitCount, "an id's random part is 16 characters")
        var storage: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)  // 32 bytes for the 26
        return try withUnsafeMutableBytes(of: &storage) { storage in
            writeTime(UInt64(truncatingIfNeeded: milliseconds), into: storage)
            UnsafeMutableRawBufferPointer(rebasing: storage[10..<textLength]).copyMemory(from: randomDigits)
            return try body(UnsafeRawBufferPointer(rebasing: storage[..<textLength]))
        }
    }

    /// The deterministic id of a message that carries no `pf-id` header.
    public static func derived(topic: String, partition: Int32, offset: Int64) -> PacketID {
        PacketID(trusted: "kafka:\(topic):\(partition):\(offset)")
    }

    public static func < (lhs: PacketID, rhs: PacketID) -> Bool { lhs.rawValue < rhs.rawValue }

    private init(trusted rawValue: String) { self.rawValue = rawValue }

    private static let crockfordAlphabet: StaticString = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

    /// The wall clock in milliseconds; `coarse` reads the clock's last tick instead (1-4 ms
    /// old, a fraction of the cost where the clock source is slow, as in many VMs).
    public static func nowMilliseconds(coarse: Bool = false) -> Int64 {
        var now = timespec()
        #if os(Linux)
        clock_gettime(coarse ? CLOCK_REALTIME_COARSE : CLOCK_REALTIME, &now)
        #else
        clock_gettime(CLOCK_REALTIME, &now)
        #endif
        return Int64(now.tv_sec) * 1_000 + Int64(now.tv_nsec) / 1_000_000
    }
}

extension PacketID: CustomStringConvertible {
    public var description: String { rawValue }
}
