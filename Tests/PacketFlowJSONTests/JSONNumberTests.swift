import PacketFlowJSON
import Testing

@Suite("Numbers")
struct JSONNumberTests {
    @Test(
        "integers parse exactly to the Int64 limits",
        arguments: [
            ("9223372036854775807", Int64.max),
            ("-9223372036854775808", Int64.min),
            ("0", 0),
            ("-0", 0),
            ("1234567890123456789", 1_234_567_890_123_456_789),
        ] as [(String, Int64)]
    )
    func integerLimits(text: String, expected: Int64) throws {
        #expect(try JSON.parse(text) == .integer(expected))
        #expect(try JSON.parse(text).serializedString() == String(expected))
    }

    @Test(
        "reals read back as the same Double, written in shortest form",
        arguments: [
            ("0.1", 0.1),
            ("1e308", 1e308),
            ("1.7976931348623157e308", Double.greatestFiniteMagnitude),
            ("5e-324", Double.leastNonzeroMagnitude),
            ("-2.5E-3", -0.0025),
            ("123456789.123456789", 123_456_789.123456789),
        ] as [(String, Double)]
    )
    func reals(text: String, expected: Double) throws {
        let parsed = try JSON.parse(text)
        #expect(parsed == .number(expected))
        #expect(try JSON.parse(parsed.serialized()) == parsed)
        #expect(try parsed.serializedString() == expected.description)
    }

    @Test("reals beyond Double's range are rejected", arguments: ["1e400", "-1e309", "[1e400000000000000000000]"])
    func realOverflow(text: String) {
        #expect {
            try JSON.parse(text)
        } throws: { error in
            (error as? JSONError)?.code == .numberOutOfRange
        }
    }

    @Test(
        "integers beyond Int64 are rejected with advice, not rounded",
        arguments: ["9223372036854775808", "-9223372036854775809", "123456789012345678901234567890", #"{"id":18446744073709551615}"#]
    )
    func integerOverflow(text: String) {
        #expect {
            try JSON.parse(text)
        } throws: { error in
            guard let error = error as? JSONError else { return false }
            return error.code == .numberOutOfRange && error.message.contains("64-bit")
                && error.description.contains("send larger ones as strings")
        }
        #expect(throws: JSONError.self) { try JSON.validate(text) }
    }

    @Test("a big integer written as a real parses as a Double")
    func bigIntegerAsReal() throws {
        #expect(try JSON.parse("18446744073709551615.0") == .number(18_446_744_073_709_551_615.0))
    }

    @Test("NaN and infinity cannot be written and leave the buffer untouched", arguments: [Double.nan, .infinity, -.infinity])
    func nonFinite(number: Double) {
        var buffer = Array("kept".utf8)
        #expect {
            try JSONValue.array([1, .number(number)]).serialize(into: &buffer)
        } throws: { error in
            (error as? JSONError)?.code == .nonFiniteNumber
        }
        #expect(buffer == Array("kept".utf8))
    }

    @Test("serialize(into:) appends to what the buffer holds")
    func appendsToBuffer() throws {
        var buffer = Array("a=".utf8)
        try JSONValue.integer(-42).serialize(into: &buffer)
        try JSONValue.string("\n").serialize(into: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == #"a=-42"\n""#)
    }
}
