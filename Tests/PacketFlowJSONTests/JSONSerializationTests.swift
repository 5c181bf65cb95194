import PacketFlowJSON
import Testing

@Suite("Writing JSON")
struct JSONSerializationTests {
    static let sample: JSONValue = ["zeta": [1, 2.5, "x"], "alpha": ["nested": [:], "list": []], "mid": nil]

    @Test("compact output has no whitespace and keeps key order")
    func compact() throws {
        #expect(try Self.sample.serializedString() == #"{"zeta":[1,2.5,"x"],"alpha":{"nested":{},"list":[]},"mid":null}"#)
    }

    @Test("pretty output indents by two and sorts keys")
    func pretty() throws {
        let expected = """
            {
              "alpha": {
                "list": [],
                "nested": {}
              },
              "mid": null,
              "zeta": [
                1,
                2.5,
                "x"
              ]
            }
            """
        #expect(try Self.sample.serializedString(.pretty) == expected)
    }

    @Test("scalars at top level are written alone", arguments: [
        (JSONValue.null, "null"), (true, "true"), (-7, "-7"), (1e21, "1e+21"), ("é", #""é""#), (100.0, "100.0"),
    ] as [(JSONValue, String)])
    func scalars(value: JSONValue, text: String) throws {
        #expect(try value.serializedString() == text)
        #expect(value.description == text)
    }

    @Test("description shows non-finite numbers instead of throwing")
    func descriptionOfNonFinite() {
        #expect(JSONValue.array([.number(.infinity), .number(.nan)]).description == "[inf,nan]")
    }
}
