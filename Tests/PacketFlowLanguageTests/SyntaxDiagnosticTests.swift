import PacketFlowLanguage
import Testing

@Suite("Syntax errors: reported where they are, several per file")
struct SyntaxDiagnosticTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var source: String
        var expected: [String]
        var testDescription: String { expected.first ?? source }
    }

    static let cases: [Case] = [
        Case(source: #"packet A { group: CF handler: swift("a") }"#,
             expected: ["1:22: error: expected ',' or '}' after field, found handler"]),
        Case(source: "molecule M { composition: [ValidatePacket, SavePacket }",
             expected: ["1:55: error: expected ']' to close '[' opened at 1:27, found '}'"]),
        Case(source: #"packet A { group: CF, handler: swift("a") "#,
             expected: ["1:43: error: expected '}' to close '{' opened at 1:10, found end of file"]),
        Case(source: #"packet A { group CF, handler: swift("a") }"#,
             expected: ["1:18: error: expected ':' after field name group, found CF"]),
        Case(source: "molecul M { composition: [] }",
             expected: ["1:1: error: expected 'packet', 'molecule' or 'import', found molecul"]),
        Case(source: #"packet A { group: CF, handler: swift("a"), key: "abc }"#,
             expected: ["1:49: error: unterminated string",
                        "1:55: error: expected '}' to close '{' opened at 1:10, found end of file"]),
        Case(source: "/* never closed",
             expected: ["1:1: error: unterminated block comment"]),
        Case(source: #"packet A { group: CF, handler: swift("a"), cost: $ }"#,
             expected: ["1:50: error: unexpected character '$'", "1:52: error: expected a value, found '}'"]),
        Case(source: "import packets",
             expected: ["1:8: error: expected a file name in quotes after 'import', found packets"]),
        Case(source: "packet { group: CF }",
             expected: ["1:8: error: expected a packet name after 'packet', found '{'"]),
        Case(source: "molecule M [ composition ]",
             expected: ["1:12: error: expected '{' to open the body of molecule M, found '['"]),
        Case(source: "molecule M { bonds: [{A, B, :}] }",
             expected: ["1:30: error: expected a name after ':', found '}'"]),
        Case(source: "molecule M { composition: [A, (B)] }",
             expected: ["1:31: error: expected a value, found '('"]),
        Case(source: """
            packet A { group: CF handler: swift("a") }
            packet B { : DF }
            molecule M { composition: [ValidatePacket,, SavePacket] }
            """,
             expected: ["1:22: error: expected ',' or '}' after field, found handler",
                        "2:12: error: expected a field name, found ':'",
                        "3:43: error: expected a value, found ','"]),
        Case(source: """
            molecule M {
              composition: [ValidatePacket, SavePacket
              bonds: [{ValidatePacket, SavePacket, :ionic}],
            }
            molecule N { composition: [ValidatePacket] }
            """,
             expected: ["3:3: error: expected ']' to close '[' opened at 2:16, found bonds",
                        "3:3: error: expected ',' or '}' after field, found bonds"]),
        Case(source: """
            molecule M {
              composition: [ValidatePacket],
            molecule N { composition: [SavePacket] }
            """,
             expected: ["3:1: error: expected '}' to close '{' opened at 1:12, found molecule"]),
    ]

    @Test("a syntax error is reported at its line and column", arguments: cases)
    func reportsSyntaxError(_ testCase: Case) throws {
        let found = try LanguageFixtures.diagnostics(testCase.source).filter { !$0.contains("unknown packet") }
        #expect(found == testCase.expected)
    }

    @Test("deep nesting is an error, not a stack overflow")
    func deepNesting() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let found = try LanguageFixtures.diagnostics("molecule M { composition: \(deep), bonds: [{A, B, :ionc}] }")
        // The parser reports the 65th bracket, skips the rest, and carries on to the bond after it.
        #expect(found == [
            "1:28: error: composition lists packet names, found a list",
            "1:91: error: brackets nested deeper than 64 levels",
            "1:200044: error: unknown bond kind :ionc",
        ])
        #expect(throws: LanguageError.self) { try MoleculeFormatter.format("packet P { key: \(deep) }") }
    }

    @Test("a misspelt keyword gets a hint")
    func keywordHint() throws {
        let program = try LanguageFixtures.program("molecul M { composition: [] }")
        #expect(program.diagnostics.first?.hint == "did you mean molecule?")
    }
}
