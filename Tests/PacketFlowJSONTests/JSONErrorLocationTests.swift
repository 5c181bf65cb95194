import PacketFlowJSON
import Testing

@Suite("Errors say what and where")
struct JSONErrorLocationTests {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let json: String
        let code: JSONError.Code
        let line: Int
        let column: Int
        let byteOffset: Int
        let messageContains: String
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "missing comma on line 3",
            json: "{\"a\":1,\n\"b\":2\n\"c\":3}",
            code: .invalidSyntax, line: 3, column: 3, byteOffset: 17, messageContains: "'}' expected near '\"c\"'"
        ),
        Case(
            name: "missing comma in an array on line 3",
            json: "[1,\n  2,\n  3 4]",
            code: .invalidSyntax, line: 3, column: 5, byteOffset: 14, messageContains: "']' expected near '4'"
        ),
        Case(
            name: "unterminated string",
            json: "{\"name\": \"abc",
            code: .unexpectedEndOfInput, line: 1, column: 13, byteOffset: 13, messageContains: "premature end of input"
        ),
        Case(
            name: "trailing comma in an array",
            json: "[1,2,]",
            code: .invalidSyntax, line: 1, column: 6, byteOffset: 6, messageContains: "unexpected token near ']'"
        ),
        Case(
            name: "trailing comma in an object",
            json: "{\"a\":1,}",
            code: .invalidSyntax, line: 1, column: 8, byteOffset: 8, messageContains: "string or '}' expected"
        ),
        Case(
            name: "garbage after the value",
            json: "{\"a\":1} x",
            code: .trailingCharacters, line: 1, column: 9, byteOffset: 9, messageContains: "end of file expected near 'x'"
        ),
        Case(
            name: "two values on one line",
            json: "1 2",
            code: .trailingCharacters, line: 1, column: 3, byteOffset: 3, messageContains: "end of file expected"
        ),
        Case(
            name: "empty input",
            json: "",
            code: .unexpectedEndOfInput, line: 1, column: 0, byteOffset: 0, messageContains: "near end of file"
        ),
        Case(
            name: "unclosed object",
            json: "{\"a\":[1,2]",
            code: .unexpectedEndOfInput, line: 1, column: 10, byteOffset: 10, messageContains: "near end of file"
        ),
        Case(
            name: "bad literal",
            json: "{\"ok\": tru}",
            code: .invalidSyntax, line: 1, column: 10, byteOffset: 10, messageContains: "invalid token near 'tru'"
        ),
        Case(
            name: "duplicate key",
            json: "{\"a\":1,\"a\":2}",
            code: .duplicateKey, line: 1, column: 10, byteOffset: 10, messageContains: "duplicate object key"
        ),
        Case(
            name: "raw newline inside a string",
            json: "[\"a\nb\"]",
            code: .invalidSyntax, line: 1, column: 3, byteOffset: 3, messageContains: "unexpected newline"
        ),
        Case(
            name: "column counts characters, not bytes",
            json: "{\"é😀\": x}",
            code: .invalidSyntax, line: 1, column: 8, byteOffset: 12, messageContains: "invalid token near 'x'"
        ),
    ]

    @Test("invalid JSON reports code, line, column, byte offset and jansson's message", arguments: cases)
    func reportsLocation(testCase: Case) {
        let error = parseError(testCase.json)
        #expect(error?.code == testCase.code)
        #expect(error?.location == JSONError.Location(line: testCase.line, column: testCase.column, byteOffset: testCase.byteOffset))
        #expect(error?.message.contains(testCase.messageContains) == true, "message: \(error?.message ?? "none")")
        #expect(validationError(testCase.json) == error)
    }

    @Test("the description is one line naming line and column")
    func description() {
        let error = parseError("{\"a\":1,\n\"b\":2\n\"c\":3}")
        #expect(error?.description == #"invalid JSON at line 3, column 3 (byte 17): '}' expected near '"c"'"#)
    }

    private func parseError(_ json: String) -> JSONError? {
        do {
            _ = try JSON.parse(json)
            return nil
        } catch {
            return error
        }
    }

    private func validationError(_ json: String) -> JSONError? {
        do {
            try JSON.validate(json)
            return nil
        } catch {
            return error
        }
    }
}
