import PacketFlowJSON
import Testing

@Suite("Dotted paths")
struct JSONPathTests {
    static let order: JSONValue = [
        "customer": ["id": "c-42", "address": ["city": "Lyon"]],
        "items": [["sku": "AB-12", "qty": 3], ["sku": "CD-34", "qty": 1]],
        "total": 9.5,
        "0": "key named zero",
        "flags": [true, false],
    ]

    @Test(
        "a path finds the value a user means",
        arguments: [
            ("customer.id", "c-42"),
            ("customer.address.city", "Lyon"),
            ("items.0.sku", "AB-12"),
            ("items.1.qty", 1),
            ("total", 9.5),
            ("0", "key named zero"),
            ("flags.1", false),
            ("items.1", ["sku": "CD-34", "qty": 1]),
        ] as [(String, JSONValue)]
    )
    func finds(path: String, expected: JSONValue) throws {
        #expect(Self.order.value(at: try JSONPath(path)) == expected)
        #expect(Self.order[path: path] == expected)
        let bytes = try Self.order.serialized()
        #expect(try JSON.value(at: JSONPath(path), in: bytes) == expected)
    }

    @Test(
        "a path that leads nowhere gives nil",
        arguments: ["missing", "customer.missing", "items.2", "items.-1", "items.01", "items.sku", "total.x", "flags.1.x", "items.99999999999999999999999"]
    )
    func leadsNowhere(path: String) throws {
        #expect(Self.order.value(at: try JSONPath(path)) == nil)
        #expect(try JSON.value(at: JSONPath(path), in: Self.order.serialized()) == nil)
    }

    @Test("a malformed path is an error naming it", arguments: ["", ".", "a.", ".a", "a..b"])
    func malformed(path: String) {
        #expect {
            try JSONPath(path)
        } throws: { error in
            guard let error = error as? JSONError else { return false }
            return error.code == .invalidPath && error.description.hasPrefix("invalid JSON path: \"\(path)\"")
        }
        #expect(Self.order[path: path] == nil)
    }

    @Test("a path prints as written")
    func description() throws {
        let path = try JSONPath("items.0.sku")
        #expect(path.segments == ["items", "0", "sku"])
        #expect(path.description == "items.0.sku")
    }

    @Test("looking up in invalid input reports the input's error")
    func lookupInInvalidInput() {
        #expect {
            try JSON.value(at: JSONPath("a"), in: Array(#"{"a":1"#.utf8))
        } throws: { error in
            (error as? JSONError)?.code == .unexpectedEndOfInput
        }
    }
}
