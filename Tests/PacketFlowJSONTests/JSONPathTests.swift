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

@Suite("Path lookup in text agrees with lookup in parsed values")
struct JSONPathLookupAgreementTests {
    @Test("on random documents, every path and some missing ones find the same value both ways")
    func randomDocuments() throws {
        var random = SplitMix64(seed: 0xF00D)
        for _ in 0..<300 {
            let document = RandomJSON.value(depth: 0, using: &random)
            var paths: [String] = []
            RandomJSON.collectPaths(of: document, prefix: nil, into: &paths)
            paths += ["zz", "0.zz", "a.b.c", "7"]
            for style in [JSONOutputStyle.compact, .pretty] {
                let text = try document.serialized(style)
                for path in paths {
                    let parsedPath = try JSONPath(path)
                    #expect(try JSON.value(at: parsedPath, in: text) == document.value(at: parsedPath), "\(path) in \(document)")
                }
            }
        }
    }
}

/// Random JSON documents for agreement tests: keys from a small set (some needing escapes), all kinds of values.
enum RandomJSON {
    static let keys = ["a", "b", "id", "0", "1", "é", "q\"k", "sp ace", "k.x", ""]

    static func value(depth: Int, using random: inout SplitMix64) -> JSONValue {
        switch random.next() % (depth > 3 ? 6 : 8) {
        case 0: return nil
        case 1: return .bool(random.next() % 2 == 0)
        case 2: return .integer(Int64(bitPattern: random.next()) >> (random.next() % 64))
        case 3: return .number(Double(Int64(bitPattern: random.next()) >> 20) / 1024)
        case 4: return .string(["", "x", "c-42", "tab\there", "quote\"", "😀 é", "back\\slash", "}],{["][Int(random.next() % 8)])
        case 5: return .string("s\(random.next() % 100)")
        case 6:
            return .array((0..<random.next() % 4).map { _ in value(depth: depth + 1, using: &random) })
        default:
            var object = JSONObject()
            for _ in 0..<random.next() % 5 {
                object[keys[Int(random.next() % UInt64(keys.count))]] = value(depth: depth + 1, using: &random)
            }
            return .object(object)
        }
    }

    /// Every path a ``JSONPath`` can express in `value` (keys with dots or empty keys cannot be addressed).
    static func collectPaths(of value: JSONValue, prefix: String?, into paths: inout [String]) {
        let join = { (segment: String) in prefix.map { "\($0).\(segment)" } ?? segment }
        switch value {
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                paths.append(join(String(index)))
                collectPaths(of: element, prefix: join(String(index)), into: &paths)
            }
        case .object(let object):
            for (key, member) in object where !key.isEmpty && !key.contains(".") {
                paths.append(join(key))
                collectPaths(of: member, prefix: join(key), into: &paths)
            }
        default:
            break
        }
    }
}
