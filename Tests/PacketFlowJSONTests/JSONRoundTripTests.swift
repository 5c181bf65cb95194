import PacketFlowJSON
import Testing

@Suite("Parsing and writing round trip")
struct JSONRoundTripTests {
    static let values: [JSONValue] = [
        nil,
        true,
        false,
        0,
        -1,
        .integer(Int64.max),
        .integer(Int64.min),
        0.1,
        -0.0,
        1e300,
        -2.5e-300,
        .number(Double.greatestFiniteMagnitude),
        .number(Double.leastNonzeroMagnitude),
        .number(Double.ulpOfOne),
        3.0,
        "",
        "plain",
        "quote \" backslash \\ slash / tab \t newline \n return \r bell \u{07} nul \u{00} del \u{7F}",
        "héllo wörld ☃ 日本語 🎉 👩‍👩‍👧 \u{10FFFF}",
        [],
        [:],
        [[], [:], [[]], ["": [:]]],
        ["id": 42, "customer": ["id": "c-42", "tags": ["a", "b"]], "items": [["sku": "AB-12", "qty": 3, "price": 9.99]]],
        ["z": 1, "a": 2, "m": [3, 4.5, "six", nil, true]],
    ]

    @Test("a value written compactly parses back equal", arguments: values)
    func compactRoundTrip(value: JSONValue) throws {
        let text = try value.serialized()
        #expect(try JSON.parse(text) == value)
        #expect(try JSON.parse(value.serializedString()) == value)
    }

    @Test("a value written pretty parses back equal", arguments: values)
    func prettyRoundTrip(value: JSONValue) throws {
        #expect(try JSON.parse(value.serialized(.pretty)) == value)
    }

    @Test(
        "input text survives parse and compact write unchanged",
        arguments: [
            #"{"b":1,"a":[true,false,null],"c":{"d":"e"}}"#,
            #"[9223372036854775807,-9223372036854775808,0,-0.0,1.5,1e+300]"#,
            #""tab\tquote\"back\\nul\u0000""#,
            #"{}"#,
            #"[]"#,
            #"[{},[],"",0]"#,
            #""😀 é""#,
        ]
    )
    func canonicalTextIsStable(text: String) throws {
        #expect(try JSON.parse(text).serializedString() == text)
    }

    @Test("object keys keep input order, and equality ignores order")
    func objectOrder() throws {
        let parsed = try JSON.parse(#"{"zeta":1,"alpha":2,"mid":3}"#)
        #expect(parsed.objectValue?.keys == ["zeta", "alpha", "mid"])
        #expect(parsed == ["alpha": 2, "mid": 3, "zeta": 1])
        #expect(parsed.hashValue == (["mid": 3, "alpha": 2, "zeta": 1] as JSONValue).hashValue)
    }

    @Test("integers and reals stay distinct")
    func integerVersusReal() throws {
        #expect(try JSON.parse("3") == .integer(3))
        #expect(try JSON.parse("3.0") == .number(3))
        #expect(try JSON.parse("3e0") == .number(3))
        #expect(try JSON.parse("-0") == .integer(0))
        #expect(try JSON.parse("3").doubleValue == 3)
        #expect(try JSON.parse("3.0").int64Value == 3)
        #expect(try JSON.parse("3.5").int64Value == nil)
    }

    @Test("every top-level kind of value is a document")
    func topLevelScalars() throws {
        #expect(try JSON.parse("42") == 42)
        #expect(try JSON.parse(" \"x\" \n") == "x")
        #expect(try JSON.parse("null") == nil)
        #expect(try JSON.parse("true") == true)
    }

    @Test("bytes from arrays, slices, buffers and strings parse alike")
    func inputKinds() throws {
        let line = #"{"id":7}"#
        let bytes = Array(line.utf8)
        let expected: JSONValue = ["id": 7]
        #expect(try JSON.parse(bytes) == expected)
        #expect(try JSON.parse(Array("xx\(line)yy".utf8).dropFirst(2).dropLast(2)) == expected)
        #expect(try bytes.withUnsafeBytes { buffer in try JSON.parse(buffer) } == expected)
        #expect(try JSON.parse(line) == expected)
        #expect(try JSON.parse(line[...].utf8) == expected)
    }

    @Test("many tasks can parse, validate and write at once")
    func concurrentUse() async throws {
        let customer: JSONValue = ["id": "c-42"]
        let agreeing = await withTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var agreeing = 0
                    for index in 0..<500 {
                        let text = #"{"id":\#(task * 1000 + index),"customer":{"id":"c-42"},"items":[{"sku":"AB-12"}]}"#
                        if let value = try? JSON.parse(text), (try? JSON.validate(value.serialized())) != nil,
                            value["customer"] == customer
                        {
                            agreeing += 1
                        }
                    }
                    return agreeing
                }
            }
            return await group.reduce(0, +)
        }
        #expect(agreeing == 8 * 500)
    }

    @Test("deep nesting up to jansson's limit converts without exhausting the stack")
    func deepNesting() throws {
        let depth = 2048
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        var value = try JSON.parse(text)
        var levels = 1
        while let inner = value[0] {
            value = inner
            levels += 1
        }
        #expect(levels == depth)
        let tooDeep = "[" + text + "]"
        #expect(throws: JSONError.self) { try JSON.parse(tooDeep) }
    }
}
