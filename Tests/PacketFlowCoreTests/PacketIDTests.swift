import PacketFlowCore
import Testing

@Suite("Packet ids")
struct PacketIDTests {
    @Test("generated ids are 26 Crockford base32 characters, unique, and sort by creation time")
    func ulids() {
        var generator = SystemRandomNumberGenerator()
        let earlier = (0..<1_000).map { _ in PacketID.generate(milliseconds: 1_700_000_000_000, using: &generator) }
        let later = PacketID.generate(milliseconds: 1_700_000_000_001, using: &generator)
        #expect(Set(earlier).count == earlier.count)
        #expect(earlier.allSatisfy { $0 < later })
        let alphabet = Set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        #expect(earlier.allSatisfy { $0.rawValue.count == 26 && $0.rawValue.allSatisfy(alphabet.contains) })
    }

    @Test("the time part encodes the milliseconds: a known timestamp gives its known prefix")
    func timePrefix() {
        var generator = SystemRandomNumberGenerator()
        // 2^48 - 1 ms is the largest ULID time: its ten time digits are 7ZZZZZZZZZ.
        #expect(PacketID.generate(milliseconds: (1 << 48) - 1, using: &generator).rawValue.hasPrefix("7ZZZZZZZZZ"))
        #expect(PacketID.generate(milliseconds: 0, using: &generator).rawValue.hasPrefix("0000000000"))
        #expect(PacketID.generate(milliseconds: 32, using: &generator).rawValue.hasPrefix("0000000010"))
    }
}
