import Foundation
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

@Suite("Packet id generator")
struct PacketIDGeneratorTests {
    @Test("ids from the fast generator are ULIDs, unique and in time order")
    func fastGenerator() {
        var generator = PacketIDGenerator()
        let ids = (0..<10_000).map { _ in generator.generate() }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.rawValue.count == 26 })
        let later = PacketID.generate(milliseconds: 1 << 47, using: &generator)  // the year 6429
        #expect(ids.allSatisfy { $0 < later })
    }

    @Test("ids written on the stack are the same kind of ULID: 26 characters, unique, now")
    func idsWithoutAllocation() {
        var generator = PacketIDGenerator()
        // The coarse clock's time is its last tick, a few milliseconds back.
        let before = PacketID.generate(milliseconds: Int64(Date().timeIntervalSince1970 * 1_000) - 10, using: &generator)
        var random = [UInt8](repeating: 0, count: PacketID.randomDigitCount)
        let texts = (0..<10_000).map { _ in
            random.withUnsafeMutableBytes { generator.writeRandomDigits(into: $0) }
            return random.withUnsafeBytes { random in
                PacketID.withID(createdAt: PacketID.nowMilliseconds(coarse: true), randomDigits: random) { String(decoding: $0, as: UTF8.self) }
            }
        }
        let after = generator.generate()
        let alphabet = Set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        #expect(Set(texts).count == texts.count)
        #expect(texts.allSatisfy { $0.count == 26 && $0.allSatisfy(alphabet.contains) })
        // The first ten characters are the time: between the ids made just before (less a tick) and after.
        #expect(texts.allSatisfy { $0.prefix(10) >= before.rawValue.prefix(10) && $0.prefix(10) <= after.rawValue.prefix(10) })
    }

    @Test("the 128 bits are written as the ULID's Crockford base32, the random part included")
    func knownEncoding() {
        struct Fixed: RandomNumberGenerator {
            var values: [UInt64] = [0xABCD, 0x0123_4567_89AB_CDEF]
            mutating func next() -> UInt64 { values.removeFirst() }
        }
        var generator = Fixed()
        // Computed apart from this code from the ULID layout: 48 bits of time, 0xABCD, then the rest.
        #expect(PacketID.generate(milliseconds: 1_700_000_000_001, using: &generator).rawValue == "01HF7YAT01NF6G28T5CY4TQKFF")
    }

    @Test("an id assembled from a random part drawn ahead and the time it is sent is the same ULID")
    func assembledFromParts() {
        // The random part of the known encoding above, and its time.
        let id = Array("NF6G28T5CY4TQKFF".utf8).withUnsafeBytes { random in
            PacketID.withID(createdAt: 1_700_000_000_001, randomDigits: random) { String(decoding: $0, as: UTF8.self) }
        }
        #expect(id == "01HF7YAT01NF6G28T5CY4TQKFF")

        var generator = PacketIDGenerator()
        var digits = [UInt8](repeating: 0, count: PacketID.randomDigitCount)
        let alphabet = Set("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
        var drawn = Set<[UInt8]>()
        for _ in 0..<1_000 {
            digits.withUnsafeMutableBytes { generator.writeRandomDigits(into: $0) }
            #expect(digits.allSatisfy(alphabet.contains))
            drawn.insert(digits)
        }
        #expect(drawn.count == 1_000, "80 random bits do not repeat")
    }

    @Test("two generators do not repeat each other's sequence")
    func independentSeeds() {
        var first = PacketIDGenerator()
        var second = PacketIDGenerator()
        #expect((0..<4).map { _ in first.next() } != (0..<4).map { _ in second.next() })
    }
}
