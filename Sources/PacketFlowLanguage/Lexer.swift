/// Splits a molecule file's UTF-8 bytes into tokens and comments.
///
/// Byte-level and allocation-light: tokens are ranges into the file's bytes and their text is
/// decoded only when the parser asks. Problems (a stray character, an unterminated string or
/// comment) become diagnostics and lexing goes on, so one typo does not hide the rest.
struct Lexer {
    private let source: SourceFile
    private let bytes: [UInt8]
    private var offset = 0
    private(set) var tokens: [Token] = []
    private(set) var comments: [Comment] = []
    private(set) var diagnostics: [Diagnostic] = []

    /// Lexes the whole file at once.
    static func lex(_ source: SourceFile) -> Lexer {
        var lexer = Lexer(source: source)
        lexer.run()
        return lexer
    }

    private init(source: SourceFile) {
        self.source = source
        self.bytes = source.bytes
    }

    private mutating func run() {
        tokens.reserveCapacity(bytes.count / 4)
        while offset < bytes.count {
            let byte = bytes[offset]
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                offset += 1
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "/"):
                lexLineComment()
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
                lexBlockComment()
            case UInt8(ascii: "\""):
                lexString()
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                lexNumber()
            case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."):
                if let next = peek(1), Lexer.isDigit(next) || (byte != UInt8(ascii: ".") && next == UInt8(ascii: ".")) {
                    lexNumber()
                } else {
                    lexUnexpected()
                }
            case _ where Lexer.isIdentifierStart(byte):
                let start = offset
                while offset < bytes.count, Lexer.isIdentifierContinue(bytes[offset]) { offset += 1 }
                tokens.append(Token(kind: .identifier, start: start, end: offset))
            case UInt8(ascii: ":"): punctuation(.colon)
            case UInt8(ascii: ","): punctuation(.comma)
            case UInt8(ascii: "{"): punctuation(.leftBrace)
            case UInt8(ascii: "}"): punctuation(.rightBrace)
            case UInt8(ascii: "["): punctuation(.leftBracket)
            case UInt8(ascii: "]"): punctuation(.rightBracket)
            case UInt8(ascii: "("): punctuation(.leftParen)
            case UInt8(ascii: ")"): punctuation(.rightParen)
            default:
                lexUnexpected()
            }
        }
        tokens.append(Token(kind: .endOfFile, start: bytes.count, end: bytes.count))
    }

    private func peek(_ distance: Int) -> UInt8? {
        offset + distance < bytes.count ? bytes[offset + distance] : nil
    }

    private mutating func punctuation(_ kind: Token.Kind) {
        tokens.append(Token(kind: kind, start: offset, end: offset + 1))
        offset += 1
    }

    private mutating func lexLineComment() {
        let start = offset
        while offset < bytes.count, bytes[offset] != UInt8(ascii: "\n") { offset += 1 }
        var end = offset
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        comments.append(Comment(start: start, end: end, isBlock: false))
    }

    private mutating func lexBlockComment() {
        let start = offset
        offset += 2
        while offset < bytes.count {
            if bytes[offset] == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") {
                offset += 2
                comments.append(Comment(start: start, end: offset, isBlock: true))
                return
            }
            offset += 1
        }
        diagnostics.append(.error(
            "unterminated block comment", at: source.location(ofOffset: start),
            hint: "close it with */"))
    }

    private mutating func lexString() {
        let start = offset
        offset += 1
        while offset < bytes.count {
            switch bytes[offset] {
            case UInt8(ascii: "\""):
                offset += 1
                tokens.append(Token(kind: .string, start: start, end: offset))
                return
            case UInt8(ascii: "\\"):
                offset += 2
            case UInt8(ascii: "\n"):
                offset = bytes.count  // leave the loop; reported below
            default:
                offset += 1
            }
        }
        // Unterminated: the string runs to the end of its line; the next line lexes normally.
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
        offset = end
        diagnostics.append(.error(
            "unterminated string", at: source.location(ofOffset: start),
            hint: "close it with \" on the same line"))
        tokens.append(Token(kind: .string, start: start, end: end))
    }

    private mutating func lexNumber() {
        let start = offset
        if bytes[offset] == UInt8(ascii: "-") || bytes[offset] == UInt8(ascii: "+") { offset += 1 }
        while offset < bytes.count {
            let byte = bytes[offset]
            if Lexer.isDigit(byte) || byte == UInt8(ascii: "_") {
                offset += 1
            } else if byte == UInt8(ascii: "."), let next = peek(1), Lexer.isDigit(next) {
                offset += 1
            } else {
                break
            }
        }
        // A unit suffix (`5s`, `256Mi`) belongs to the number.
        while offset < bytes.count, Lexer.isIdentifierContinue(bytes[offset]) { offset += 1 }
        tokens.append(Token(kind: .number, start: start, end: offset))
    }

    private mutating func lexUnexpected() {
        let start = offset
        offset += 1
        // Skip the continuation bytes so a multi-byte character is reported once.
        while offset < bytes.count, bytes[offset] & 0xC0 == 0x80 { offset += 1 }
        let character = source.text(from: start, to: offset)
        diagnostics.append(.error(
            "unexpected character '\(character)'", at: source.location(ofOffset: start)))
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_")
    }

    static func isIdentifierContinue(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || isDigit(byte)
    }

    static func isIdentifier(_ text: String) -> Bool {
        text.utf8.first.map(isIdentifierStart) == true && text.utf8.allSatisfy(isIdentifierContinue)
    }
}
