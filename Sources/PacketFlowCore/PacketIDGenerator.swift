/// Generates packet ids quickly, for producers that create many packets in a loop.
///
/// `PacketID.generate()` draws its randomness from the system generator, which costs a system
/// call per draw on Linux. This generator seeds a xoshiro256** state from the system generator
/// once and draws from it afterwards: ids keep their 80 random bits and their time order.
/// Not thread-safe: use one per task or thread.
public struct PacketIDGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// A generator seeded from the system's random source.
    public init() {
        var system = SystemRandomNumberGenerator()
        state = (system.next(), system.next(), system.next(), system.next() | 1)
    }

    /// A new id for a packet created now.
    public mutating func generate() -> PacketID {
        PacketID.generate(milliseconds: PacketID.nowMilliseconds(), using: &self)
    }

    /// Calls `body` with the 26 ASCII characters of a new id for a packet created now, written
    /// on the stack: nothing is allocated (for producers that put the id straight into a header).
    ///
    /// The time comes from the coarse clock (its last tick, 1-4 ms old): this is the bulk path.
    public mutating func withNextID<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        let high = (UInt64(truncatingIfNeeded: PacketID.nowMilliseconds(coarse: true)) << 16) | (next() & 0xFFFF)
        let low = next()
        var storage: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)  // 32 bytes for the 26
        return try withUnsafeMutableBytes(of: &storage) { storage in
            let digits = UnsafeMutableRawBufferPointer(rebasing: storage[..<PacketID.textLength])
            PacketID.write(high: high, low: low, into: digits)
            return try body(UnsafeRawBufferPointer(digits))
        }
    }

    /// The next 64 random bits (xoshiro256**).
    public mutating func next() -> UInt64 {
        let result = rotate(state.1 &* 5, 7) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = rotate(state.3, 45)
        return result
    }

    private func rotate(_ value: UInt64, _ count: UInt64) -> UInt64 {
        (value << count) | (value >> (64 - count))
    }
}
