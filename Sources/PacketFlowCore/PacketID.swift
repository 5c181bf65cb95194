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

    /// Writes the 128 bits `high`:`low` as 26 Crockford base32 digits (130 bits, the top two
    /// zero) into the first 26 bytes of `digits`.
    static func write(high: UInt64, low: UInt64, into digits: UnsafeMutableRawBufferPointer) {
        for index in 0..<textLength {
            let bitOffset = (textLength - 1 - index) * 5
            digits[index] = alphabet[Int(extractBits(high: high, low: low, at: bitOffset))]
        }
    }

    /// The deterministic id of a message that carries no `pf-id` header.
    public static func derived(topic: String, partition: Int32, offset: Int64) -> PacketID {
        PacketID(trusted: "kafka:\(topic):\(partition):\(offset)")
    }

    public static func < (lhs: PacketID, rhs: PacketID) -> Bool { lhs.rawValue < rhs.rawValue }

    private init(trusted rawValue: String) { self.rawValue = rawValue }

    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    private static func extractBits(high: UInt64, low: UInt64, at offset: Int) -> UInt64 {
        if offset >= 64 { return (high >> UInt64(offset - 64)) & 0x1F }
        if offset > 59 { return ((low >> UInt64(offset)) | (high << UInt64(64 - offset))) & 0x1F }
        return (low >> UInt64(offset)) & 0x1F
    }

    static func nowMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000 + Int64(now.tv_nsec) / 1_000_000
    }
}

extension PacketID: CustomStringConvertible {
    public var description: String { rawValue }
}
