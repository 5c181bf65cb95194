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

    /// Writes the random part of a new id, its last 16 characters, into the first 16 bytes of
    /// `digits`; `PacketID.withID(createdAt:randomDigits:_:)` adds the time.
    public mutating func writeRandomDigits(into digits: UnsafeMutableRawBufferPointer) {
        PacketID.writeRandom(high: next() & 0xFFFF, low: next(), into: digits)
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
