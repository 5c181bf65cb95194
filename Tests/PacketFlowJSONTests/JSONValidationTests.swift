@testable import PacketFlowJSON
import Testing

@Suite("Validation agrees with parsing")
struct JSONValidationTests {
    static let valid: [String] = [
        #"{"id":12345,"customer":{"id":"c-42"},"sku":"AB-12","qty":3,"ok":true}"#,
        #"[1,-2,3.5,-0.25e-3,1E5,0,-0,true,false,null,"",[],{}]"#,
        " \t\r\n{ \"a\" : [ 1 , 2 ] , \"b\" : { } } \n",
        #""\ud83d\ude00 \u00e9 \"\\\/\b\f\n\r\t \u0000""#,
        "\"raw é 😀 日本 \u{10FFFF}\"",
        #"{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}"#,
        #"{"a\u0062":1,"ac":2}"#,
        #"{"é":1,"e":2}"#,
        "123456789012345678",
        "9223372036854775807",
        "1e308",
        "12345678901234567890.5",
    ]

    static let invalid: [String] = [
        "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{\"a\":1 \"b\":2}", "{1:2}", "[1 2]",
        "01", "-", "1.", ".5", "1e", "1e+", "+1", "0x10", "NaN", "Infinity", "tru", "truex", "nul", "[true1]",
        "\"abc", "\"a\nb\"", "\"\\x\"", "\"\\u12\"", "\"\\ud83d\"", "\"\\ude00\"", "\"\\ud83d\\u0041\"",
        "{\"a\":1,\"a\":2}", "{\"a\":{\"b\":1,\"b\":1}}", "{\"ab\":1,\"a\\u0062\":2}", "{\"a\\u0000\":1}",
        "9223372036854775808", "-9223372036854775809", "1e400", "[1] [2]", "1 2", "{}x", "\u{FEFF}{}",
        "[1}", "{]",
    ]

    @Test("validate and parse accept and reject the same inputs with the same error", arguments: valid + invalid)
    func agreement(text: String) {
        #expect(outcome { try JSON.validate(text) } == outcome { _ = try JSON.parse(text) })
    }

    @Test(
        "large inputs beyond the scanner's limits get jansson's verdict",
        arguments: [(100, true), (2048, true), (2049, false)]
    )
    func largeInputs(depth: Int, isValid: Bool) {
        let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let wide = "{" + (0..<(depth * 2)).map { #""k\#($0)":\#($0)"# }.joined(separator: ",") + "}"
        for text in [nested, wide] where text != wide || isValid {
            let validation = outcome { try JSON.validate(text) }
            #expect(validation == outcome { _ = try JSON.parse(text) })
            #expect((validation == nil) == isValid)
        }
    }

    @Test("the listed valid inputs are valid and the invalid ones are not")
    func tablesAreRight() {
        for text in Self.valid {
            #expect(outcome { try JSON.validate(text) } == nil, "\(text.prefix(40))")
        }
        for text in Self.invalid {
            #expect(outcome { try JSON.validate(text) } != nil, "\(text.prefix(40))")
        }
    }

    @Test("typical message lines are confirmed by the fast scanner without jansson")
    func fastPathTaken() {
        let lines = [
            #"{"id":12345,"customer":{"id":"c-42"},"sku":"AB-12","qty":3,"ok":true}"#,
            #"{"ts":"2026-11-25T10:00:00Z","level":"info","msg":"héllo \"x\"","n":-1.5e3,"tags":["a","b"]}"#,
            #"[1,2,3]"#,
        ]
        for line in lines {
            #expect(Array(line.utf8).withUnsafeBytes { JSONSyntaxScanner.accepts($0) }, "\(line)")
        }
    }

    @Test("on randomly damaged input the scanner never accepts what jansson rejects")
    func differentialFuzz() {
        var random = SplitMix64(seed: 0x5EED_1234)
        let alphabet = Array("{}[]:,\" \\/u0123456789abcdefABCDEF.eE+-tfnrl\n\t".utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xBF, 0xC3, 0xA9, 0xED, 0xA0, 0xF0, 0x9F, 0xF4, 0x90, 0xFF]
        let corpus = Self.valid.map { Array($0.utf8) }.filter { $0.count < 2000 }
        var scannerAccepted = 0
        var disagreements: [[UInt8]] = []
        for _ in 0..<40_000 {
            var bytes = corpus[Int(random.next() % UInt64(corpus.count))]
            for _ in 0..<(1 + random.next() % 3) {
                let position = bytes.isEmpty ? 0 : Int(random.next() % UInt64(bytes.count))
                let byte = alphabet[Int(random.next() % UInt64(alphabet.count))]
                switch random.next() % 3 {
                case 0 where !bytes.isEmpty: bytes[position] = byte
                case 1 where !bytes.isEmpty: bytes.remove(at: position)
                default: bytes.insert(byte, at: position)
                }
            }
            let accepted = bytes.withUnsafeBytes { JSONSyntaxScanner.accepts($0) }
            let parseOutcome = outcome { _ = try JSON.parse(bytes) }
            if accepted {
                scannerAccepted += 1
                if parseOutcome != nil { disagreements.append(bytes) }
            }
            if outcome({ try JSON.validate(bytes) }) != parseOutcome { disagreements.append(bytes) }
        }
        #expect(disagreements.isEmpty, "first: \(disagreements.first.map { String(decoding: $0, as: UTF8.self) } ?? "")")
        #expect(scannerAccepted > 1000)
    }

    /// The error `body` throws, or `nil`; a non-JSONError would fail the comparison that uses it.
    private func outcome(_ body: () throws -> Void) -> JSONError? {
        do {
            try body()
            return nil
        } catch {
            return error as? JSONError ?? JSONError(code: .other, location: nil, message: "\(error)")
        }
    }
}

/// A small seeded generator so the fuzz test explores the same inputs on every run.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
