/// Parses a molecule file into declarations, reporting syntax errors and recovering from them.
///
/// Recursive descent over the lexer's tokens. After an error the parser skips to the next
/// comma or closing bracket of the construct it is in (or, at the top level, to the next
/// `import`, `packet` or `molecule`), so one file reports all its syntax errors at once.
struct MoleculeParser {
    private let source: SourceFile
    private let tokens: [Token]
    private var index = 0
    private var diagnostics: [Diagnostic]
    private var reportedEndOfFile = false
    /// Brackets open around the current token; bounded so a hostile file cannot exhaust the stack.
    private var nesting = 0
    static let maximumNesting = 64

    /// Parses one file. Never fails: problems are in the result's `diagnostics`.
    static func parse(_ source: SourceFile) -> SyntaxFile {
        let lexer = Lexer.lex(source)
        var parser = MoleculeParser(source: source, tokens: lexer.tokens, diagnostics: lexer.diagnostics)
        let declarations = parser.parseDeclarations()
        let diagnostics = parser.diagnostics.enumerated()
            .sorted { ($0.element.location.offset, $0.offset) < ($1.element.location.offset, $1.offset) }
            .map(\.element)
        return SyntaxFile(
            source: source, declarations: declarations, comments: lexer.comments, diagnostics: diagnostics)
    }

    private init(source: SourceFile, tokens: [Token], diagnostics: [Diagnostic]) {
        self.source = source
        self.tokens = tokens
        self.diagnostics = diagnostics
    }

    // MARK: Declarations

    private mutating func parseDeclarations() -> [SyntaxDeclaration] {
        var declarations: [SyntaxDeclaration] = []
        while current.kind != .endOfFile {
            guard let keyword = keyword(current) else {
                var hint = "a file holds import, packet and molecule declarations"
                if current.kind == .identifier,
                   let near = Suggestion.closest(to: text(current), in: SyntaxDeclaration.Keyword.allCases.map(\.rawValue)) {
                    hint = "did you mean \(near)?"
                }
                report("expected 'packet', 'molecule' or 'import', found \(describe(current))", at: current, hint: hint)
                skipToNextDeclaration()
                continue
            }
            let start = current.start
            advance()
            switch keyword {
            case .import:
                guard current.kind == .string else {
                    report("expected a file name in quotes after 'import', found \(describe(current))",
                           at: current, hint: "write import \"packets.pf\"")
                    skipToNextDeclaration()
                    continue
                }
                let path = stringValue(current)
                declarations.append(SyntaxDeclaration(
                    keyword: .import, start: start, name: path, nameStart: current.start, body: nil, end: current.end))
                advance()
            case .packet, .molecule:
                var name = ""
                let nameStart = current.start
                if current.kind == .identifier {
                    name = text(current)
                    advance()
                } else {
                    report("expected a \(keyword.rawValue) name after '\(keyword.rawValue)', found \(describe(current))",
                           at: current)
                }
                guard current.kind == .leftBrace else {
                    let what = name.isEmpty ? keyword.rawValue : "\(keyword.rawValue) \(name)"
                    report("expected '{' to open the body of \(what), found \(describe(current))", at: current)
                    skipToNextDeclaration()
                    continue
                }
                let open = current
                advance()
                let body = parseObject(open: open)
                declarations.append(SyntaxDeclaration(
                    keyword: keyword, start: start, name: name, nameStart: nameStart, body: body, end: body.end))
            }
        }
        return declarations
    }

    /// Skips at least one token, then to the next top-level keyword at bracket depth zero.
    private mutating func skipToNextDeclaration() {
        var depth = 0
        repeat {
            switch current.kind {
            case .leftBrace, .leftBracket, .leftParen: depth += 1
            case .rightBrace, .rightBracket, .rightParen: depth = max(0, depth - 1)
            default: break
            }
            advance()
        } while current.kind != .endOfFile
            && !(depth == 0 && keyword(current) != nil)
    }

    // MARK: Values

    private mutating func parseValue() -> SyntaxValue {
        let token = current
        let opens = token.kind == .leftBrace || token.kind == .leftBracket
            || (token.kind == .identifier && peek(1).kind == .leftParen)
        if opens, nesting >= MoleculeParser.maximumNesting {
            report("brackets nested deeper than \(MoleculeParser.maximumNesting) levels", at: token)
            skipNestedValue()
            return SyntaxValue(kind: .missing, start: token.start, end: token.start)
        }
        nesting += 1
        defer { nesting -= 1 }
        switch token.kind {
        case .identifier:
            advance()
            if current.kind == .leftParen {
                let open = current
                advance()
                return parseCall(name: text(token), nameToken: token, open: open)
            }
            return SyntaxValue(kind: .identifier(text(token)), start: token.start, end: token.end)
        case .string:
            advance()
            return SyntaxValue(kind: .string(stringValue(token)), start: token.start, end: token.end)
        case .number:
            advance()
            return SyntaxValue(kind: .number(text(token)), start: token.start, end: token.end)
        case .colon:
            advance()
            guard current.kind == .identifier else {
                report("expected a name after ':', found \(describe(current))", at: current,
                       hint: "bond kinds are written :ionic, :covalent, :metallic or :weak")
                return SyntaxValue(kind: .missing, start: token.start, end: token.end)
            }
            let name = current
            advance()
            return SyntaxValue(kind: .atom(text(name)), start: token.start, end: name.end)
        case .leftBracket:
            advance()
            return parseList(open: token)
        case .leftBrace:
            advance()
            let isObject = current.kind == .rightBrace
                || ((current.kind == .identifier || current.kind == .string) && peek(1).kind == .colon)
            return isObject ? parseObject(open: token) : parseTuple(open: token)
        default:
            report("expected a value, found \(describe(token))", at: token)
            if !isSeparatorOrCloser(token.kind) { advance() }
            return SyntaxValue(kind: .missing, start: token.start, end: token.start)
        }
    }

    private mutating func parseObject(open: Token) -> SyntaxValue {
        var fields: [SyntaxField] = []
        let end = parseSequence(open: open, closer: .rightBrace, what: "field") { parser in
            let keyToken = parser.current
            guard keyToken.kind == .identifier || keyToken.kind == .string else {
                parser.report("expected a field name, found \(parser.describe(keyToken))", at: keyToken)
                return false
            }
            let key = keyToken.kind == .string ? parser.stringValue(keyToken) : parser.text(keyToken)
            parser.advance()
            if parser.current.kind == .colon {
                parser.advance()
            } else {
                parser.report("expected ':' after field name \(key), found \(parser.describe(parser.current))",
                              at: parser.current)
                if !parser.startsValue(parser.current.kind) { return false }
            }
            fields.append(SyntaxField(key: key, keyStart: keyToken.start, value: parser.parseValue()))
            return true
        }
        return SyntaxValue(kind: .object(fields), start: open.start, end: end)
    }

    private mutating func parseList(open: Token) -> SyntaxValue {
        let (elements, end) = parseElements(open: open, closer: .rightBracket)
        return SyntaxValue(kind: .list(elements), start: open.start, end: end)
    }

    private mutating func parseTuple(open: Token) -> SyntaxValue {
        let (elements, end) = parseElements(open: open, closer: .rightBrace)
        return SyntaxValue(kind: .tuple(elements), start: open.start, end: end)
    }

    /// Positional values up to `closer`: the body of a list or a tuple.
    private mutating func parseElements(open: Token, closer: Token.Kind) -> (elements: [SyntaxValue], end: Int) {
        var elements: [SyntaxValue] = []
        let end = parseSequence(open: open, closer: closer, what: "element") { parser in
            guard parser.startsValue(parser.current.kind) else {
                parser.report("expected a value, found \(parser.describe(parser.current))", at: parser.current)
                return false
            }
            elements.append(parser.parseValue())
            return true
        }
        return (elements, end)
    }

    private mutating func parseCall(name: String, nameToken: Token, open: Token) -> SyntaxValue {
        var arguments: [SyntaxArgument] = []
        let end = parseSequence(open: open, closer: .rightParen, what: "argument") { parser in
            let start = parser.current.start
            var label: String?
            if parser.current.kind == .identifier, parser.peek(1).kind == .colon {
                label = parser.text(parser.current)
                parser.advance()
                parser.advance()
            }
            guard parser.startsValue(parser.current.kind) else {
                parser.report("expected a value, found \(parser.describe(parser.current))", at: parser.current)
                return false
            }
            arguments.append(SyntaxArgument(label: label, start: start, value: parser.parseValue()))
            return true
        }
        return SyntaxValue(kind: .call(name: name, arguments: arguments), start: nameToken.start, end: end)
    }

    /// Parses comma-separated items up to `closer`, recovering from errors; returns the end offset.
    ///
    /// `item` parses one item and returns false when it could not start one (after reporting);
    /// the parser then skips to the next comma or closer. Trailing commas are allowed.
    private mutating func parseSequence(
        open: Token, closer: Token.Kind, what: String, item: (inout MoleculeParser) -> Bool
    ) -> Int {
        let closerText = MoleculeParser.spelling(closer)
        while true {
            if current.kind == closer {
                let end = current.end
                advance()
                return end
            }
            if isUnclosed(closer) {
                reportUnclosed(open: open, closer: closerText)
                return current.start
            }
            if !item(&self) {
                skipToSeparator()
            }
            switch current.kind {
            case .comma:
                advance()
            case closer:
                continue
            case .endOfFile:
                continue
            default:
                if isUnclosed(closer) { continue }
                report("expected ',' or '\(closerText)' after \(what), found \(describe(current))", at: current)
                // A missing comma between two items is the common case: carry on with the next item.
                if !startsValue(current.kind) { skipToSeparator() }
                if current.kind == .comma { advance() }
            }
        }
    }

    /// True where a bracket that ends with `closer` must have been left open: at the end of
    /// the file, at a closer of another kind, at a new declaration, or (in a list) at the next
    /// field of the enclosing object.
    private func isUnclosed(_ closer: Token.Kind) -> Bool {
        current.kind == .endOfFile || (isCloser(current.kind) && current.kind != closer) || startsDeclaration
            || (closer == .rightBracket && current.kind == .identifier && peek(1).kind == .colon)
    }

    private mutating func reportUnclosed(open: Token, closer: String) {
        if current.kind == .endOfFile {
            guard !reportedEndOfFile else { return }
            reportedEndOfFile = true
        }
        let opened = source.location(ofOffset: open.start)
        report("expected '\(closer)' to close '\(MoleculeParser.spelling(open.kind))' opened at \(opened.line):\(opened.column), found \(describe(current))",
               at: current)
    }

    /// Skips a value that opens brackets (and its name, for a call), up to its matching closer.
    private mutating func skipNestedValue() {
        if current.kind == .identifier { advance() }
        var depth = 0
        repeat {
            switch current.kind {
            case .leftBrace, .leftBracket, .leftParen: depth += 1
            case .rightBrace, .rightBracket, .rightParen: depth -= 1
            default: break
            }
            advance()
        } while depth > 0 && current.kind != .endOfFile
    }

    /// Skips to the next comma or closer at this bracket depth, stepping over nested brackets.
    private mutating func skipToSeparator() {
        var depth = 0
        while current.kind != .endOfFile {
            switch current.kind {
            case .leftBrace, .leftBracket, .leftParen:
                depth += 1
            case .rightBrace, .rightBracket, .rightParen:
                if depth == 0 { return }
                depth -= 1
            case .comma where depth == 0:
                return
            case .identifier where depth == 0 && startsDeclaration:
                return
            default:
                break
            }
            advance()
        }
    }

    // MARK: Tokens

    private var current: Token { tokens[index] }

    /// True at `packet Name`, `molecule Name` or `import "file"`: where a new declaration begins.
    private var startsDeclaration: Bool {
        guard let keyword = keyword(current) else {
            return false
        }
        return peek(1).kind == (keyword == .import ? .string : .identifier)
    }

    private func peek(_ distance: Int) -> Token {
        tokens[min(index + distance, tokens.count - 1)]
    }

    private mutating func advance() {
        if index < tokens.count - 1 { index += 1 }
    }

    /// The declaration keyword a token spells, if any; cheap for the names that are not one.
    private func keyword(_ token: Token) -> SyntaxDeclaration.Keyword? {
        // "import" and "packet" have 6 bytes, "molecule" 8: skip decoding every other name.
        guard token.kind == .identifier, token.end - token.start == 6 || token.end - token.start == 8 else { return nil }
        return SyntaxDeclaration.Keyword(rawValue: text(token))
    }

    private func text(_ token: Token) -> String {
        source.text(from: token.start, to: token.end)
    }

    private func stringValue(_ token: Token) -> String {
        MoleculeParser.unescape(source.bytes[token.start..<token.end])
    }

    private func startsValue(_ kind: Token.Kind) -> Bool {
        switch kind {
        case .identifier, .string, .number, .colon, .leftBrace, .leftBracket: true
        default: false
        }
    }

    private func isCloser(_ kind: Token.Kind) -> Bool {
        kind == .rightBrace || kind == .rightBracket || kind == .rightParen
    }

    private func isSeparatorOrCloser(_ kind: Token.Kind) -> Bool {
        kind == .comma || isCloser(kind) || kind == .endOfFile
    }

    private mutating func report(_ message: String, at token: Token, hint: String? = nil) {
        diagnostics.append(.error(message, at: source.location(ofOffset: token.start), hint: hint))
    }

    private func describe(_ token: Token) -> String {
        switch token.kind {
        case .endOfFile: "end of file"
        case .identifier: text(token)
        case .string: "string " + text(token)
        case .number: "number " + text(token)
        default: "'\(MoleculeParser.spelling(token.kind))'"
        }
    }

    static func spelling(_ kind: Token.Kind) -> String {
        switch kind {
        case .colon: ":"
        case .comma: ","
        case .leftBrace: "{"
        case .rightBrace: "}"
        case .leftBracket: "["
        case .rightBracket: "]"
        case .leftParen: "("
        case .rightParen: ")"
        case .identifier: "name"
        case .string: "string"
        case .number: "number"
        case .endOfFile: "end of file"
        }
    }

    /// The value of a string token: quotes removed, `\"`, `\\`, `\n` and `\t` resolved.
    static func unescape(_ quoted: ArraySlice<UInt8>) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(quoted.count)
        var index = quoted.startIndex + 1
        let end = quoted.count >= 2 && quoted.last == UInt8(ascii: "\"") ? quoted.endIndex - 1 : quoted.endIndex
        while index < end {
            let byte = quoted[index]
            if byte == UInt8(ascii: "\\"), index + 1 < end {
                switch quoted[index + 1] {
                case UInt8(ascii: "n"): bytes.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "t"): bytes.append(UInt8(ascii: "\t"))
                default: bytes.append(quoted[index + 1])
                }
                index += 2
            } else {
                bytes.append(byte)
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
