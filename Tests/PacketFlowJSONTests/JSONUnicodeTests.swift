import PacketFlowJSON
import Testing

@Suite("Unicode and escapes")
struct JSONUnicodeTests {
    struct Case: Sendable, CustomStringConvertible {
        let json: String
        let expected: String
        var description: String { json }
    }

    @Test(
        "escapes decode to the right scalars",
        arguments: [
            Case(json: #""\ud83d\ude00""#, expected: "😀"),
            Case(json: #""\uD83C\uDF89 party""#, expected: "🎉 party"),
            Case(json: #""\u00e9\u00E9""#, expected: "éé"),
            Case(json: #""\u65e5\u672c""#, expected: "日本"),
            Case(json: #""\u0000""#, expected: "\u{0}"),
            Case(json: #""\"\\\/\b\f\n\r\t""#, expected: "\"\\/\u{8}\u{C}\n\r\t"),
            Case(json: "\"raw 😀 é\"", expected: "raw 😀 é"),
            Case(json: #""\udbff\udfff""#, expected: "\u{10FFFF}"),
        ]
    )
    func escapes(testCase: Case) throws {
        #expect(try JSON.parse(testCase.json) == .string(testCase.expected))
    }

    @Test(
        "broken surrogates and bad escapes are rejected",
        arguments: [#""\ud83d""#, #""\ude00""#, #""\ud83d\u0041""#, #""\ud83dx""#, #""\x""#, #""\u12""#]
    )
    func brokenEscapes(json: String) {
        #expect(throws: JSONError.self) { try JSON.parse(json) }
    }

    @Test(
        "malformed UTF-8 is rejected as invalid UTF-8",
        arguments: [
            [0x22, 0xC3, 0x22],  // truncated 2-byte sequence
            [0x22, 0xC0, 0xAF, 0x22],  // overlong "/"
            [0x22, 0xED, 0xA0, 0x80, 0x22],  // encoded surrogate U+D800
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // above U+10FFFF
            [0x22, 0xFF, 0x22],
        ] as [[UInt8]]
    )
    func malformedUTF8(bytes: [UInt8]) {
        #expect {
            try JSON.parse(bytes)
        } throws: { error in
            (error as? JSONError)?.code == .invalidUTF8
        }
    }

    @Test("control characters are escaped on output and emoji written raw")
    func writtenEscapes() throws {
        let value: JSONValue = ["k\"ey": "a\u{1}b\u{1F}c\n😀"]
        #expect(try value.serializedString() == #"{"k\"ey":"a\u0001b\u001fc\n😀"}"#)
    }

    @Test("a key containing \\u0000 is refused, a value may contain it")
    func nulInKey() throws {
        #expect(try JSON.parse(#"{"a":"x\u0000y"}"#)["a"] == "x\u{0}y")
        #expect {
            try JSON.parse(#"{"a\u0000b":1}"#)
        } throws: { error in
            (error as? JSONError)?.code == .nullByteInKey
        }
    }
}
