@testable import PacketFlowJSON
import Testing

@Suite("The Swift builder and jansson build identical values")
struct JSONParserAgreementTests {
    @Test("valid documents, random documents and damaged ones the scanner accepts")
    func documents() throws {
        var random = SplitMix64(seed: 0xB111D)
        var documents = JSONValidationTests.valid.map { Array($0.utf8) }
        for _ in 0..<500 {
            let value = RandomJSON.value(depth: 0, using: &random)
            documents.append(try value.serialized())
            documents.append(try value.serialized(.pretty))
        }
        let seeds = documents
        let inserts = Array(#"0-.eE"\u"#.utf8)
        for _ in 0..<20_000 {
            var bytes = seeds[Int(random.next() % UInt64(seeds.count))]
            let position = Int(random.next() % UInt64(bytes.count))
            bytes.insert(inserts[Int(random.next() % UInt64(inserts.count))], at: position)
            documents.append(bytes)
        }
        var compared = 0
        for bytes in documents {
            try bytes.withUnsafeBytes { buffer in
                guard JSONSyntaxScanner.accepts(buffer) else { return }
                compared += 1
                let built = JSONSyntaxScanner.value(ofAccepted: buffer)
                let fromJansson = try JanssonDocument(parsing: buffer).value()
                #expect(identical(built, fromJansson), "\(String(decoding: bytes, as: UTF8.self))")
            }
        }
        #expect(compared > 1000)
    }

    @Test("random number literals read as the same Int64 or the same Double bits")
    func numbers() throws {
        var random = SplitMix64(seed: 0xD161)
        var compared = 0
        for _ in 0..<20_000 {
            var text = random.next() % 2 == 0 ? "-" : ""
            let integerDigits = 1 + Int(random.next() % 30)
            text += random.next() % 5 == 0 ? "0" : digits(integerDigits, leadingNonZero: true, using: &random)
            if random.next() % 2 == 0 {
                text += "." + digits(1 + Int(random.next() % 30), leadingNonZero: false, using: &random)
            }
            if random.next() % 2 == 0 {
                text += ["e", "E", "e+", "e-", "E-"][Int(random.next() % 5)] + String(random.next() % 100)
            }
            let bytes = Array(text.utf8)
            try bytes.withUnsafeBytes { buffer in
                guard JSONSyntaxScanner.accepts(buffer) else { return }
                compared += 1
                let built = JSONSyntaxScanner.value(ofAccepted: buffer)
                let fromJansson = try JanssonDocument(parsing: buffer).value()
                #expect(identical(built, fromJansson), "\(text)")
            }
        }
        #expect(compared > 10_000)
    }

    @Test(
        "escaped strings decode alike",
        arguments: [
            #""\ud83d\ude00\u00e9\u0000\u001f\u007f\u0800\uffff\uD800\uDC00""#,
            #""\"\\\/\b\f\n\r\t""#, #""a\u0041b""#, #""\u2028\u2029""#, #"["\\u0041", "\\"]"#,
        ]
    )
    func escapedStrings(text: String) throws {
        try Array(text.utf8).withUnsafeBytes { buffer in
            #expect(JSONSyntaxScanner.accepts(buffer))
            let fromJansson = try JanssonDocument(parsing: buffer).value()
            #expect(identical(JSONSyntaxScanner.value(ofAccepted: buffer), fromJansson))
        }
    }

    private func digits(_ count: Int, leadingNonZero: Bool, using random: inout SplitMix64) -> String {
        String((0..<count).map { index in
            let low: UInt64 = leadingNonZero && index == 0 ? 1 : 0
            return Character(String(low + random.next() % (10 - low)))
        })
    }

    /// Equal including key order and the exact bits of every Double (so -0.0 differs from 0.0).
    private func identical(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.number(let left), .number(let right)):
            return left.bitPattern == right.bitPattern
        case (.array(let left), .array(let right)):
            return left.count == right.count && zip(left, right).allSatisfy { identical($0, $1) }
        case (.object(let left), .object(let right)):
            return left.keys == right.keys && zip(left.values, right.values).allSatisfy { identical($0, $1) }
        default:
            return lhs == rhs
        }
    }
}
