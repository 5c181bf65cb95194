/// Prints a molecule file in its canonical layout, keeping every comment.
///
/// The layout depends only on what the file says, never on how it was laid out, so
/// formatting is idempotent: two-space indents, one blank line between declarations,
/// molecule bodies always one item per line, every other bracket on one line when it fits in
/// 100 columns and holds no comment, trailing commas on multi-line items. Comments stay
/// before or after the item they were written next to; one blank line between items is kept.
public enum MoleculeFormatter {
    /// Lines are kept within this many columns where the layout allows.
    public static let lineWidth = 100

    /// The canonical text of a molecule file.
    ///
    /// Needs only the file itself (imports are not read). Throws ``LanguageError`` with code
    /// ``LanguageError/Code/invalidProgram`` and the syntax errors when the file does not parse.
    public static func format(_ text: String, name: String = "input.pf") throws(LanguageError) -> String {
        let syntax = MoleculeParser.parse(SourceFile(name: name, text: text))
        guard syntax.diagnostics.isEmpty else {
            let count = syntax.diagnostics.count
            throw LanguageError(.invalidProgram, "\(name) has \(count) syntax error\(count == 1 ? "" : "s")",
                                diagnostics: syntax.diagnostics)
        }
        var printer = FormatPrinter(syntax: syntax)
        return printer.print()
    }

    /// A string literal as the language writes it: quoted, with `\`, `"`, newline and tab escaped.
    public static func quote(_ value: String) -> String {
        var quoted = "\""
        for character in value {
            switch character {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\t": quoted += "\\t"
            default: quoted.append(character)
            }
        }
        return quoted + "\""
    }
}

/// The formatter's state: the output so far and the next comment to place.
private struct FormatPrinter {
    private let source: SourceFile
    private let declarations: [SyntaxDeclaration]
    private let comments: [Comment]
    private var nextComment = 0
    private var output = ""
    private var column = 0
    private var depth = 0

    init(syntax: SyntaxFile) {
        source = syntax.source
        declarations = syntax.declarations
        comments = syntax.comments
    }

    mutating func print() -> String {
        var previousEnd = 0
        for (position, declaration) in declarations.enumerated() {
            if position > 0 { newline(blank: true) }
            writeLeadingComments(before: declaration.start, after: position == 0 ? nil : previousEnd)
            switch declaration.keyword {
            case .import:
                write("import " + MoleculeFormatter.quote(declaration.name))
            case .packet, .molecule:
                write(declaration.keyword.rawValue + " " + declaration.name + " ")
                if let body = declaration.body {
                    writeValue(body, forceMultiline: declaration.keyword == .molecule)
                }
            }
            writeTrailingComments(after: declaration.end, before: Int.max)
            previousEnd = declaration.end
        }
        if nextComment < comments.count {
            if !declarations.isEmpty { newline(blank: true) }
            writeLeadingComments(before: Int.max, after: declarations.isEmpty ? nil : previousEnd)
        } else if !declarations.isEmpty {
            newline(blank: false)
        }
        return output
    }

    // MARK: Values

    private mutating func writeValue(_ value: SyntaxValue, forceMultiline: Bool = false) {
        writeInlineComments(before: value.start)
        if !forceMultiline, let inline = inline(value), column + inline.count <= MoleculeFormatter.lineWidth {
            write(inline)
            return
        }
        switch value.kind {
        case .list(let elements):
            writeBlock(open: "[", close: "]", closeOffset: value.end - 1,
                       items: elements.map { ($0.start, $0.end, Item.value($0)) })
        case .tuple(let elements):
            writeBlock(open: "{", close: "}", closeOffset: value.end - 1,
                       items: elements.map { ($0.start, $0.end, Item.value($0)) })
        case .object(let fields):
            writeBlock(open: "{", close: "}", closeOffset: value.end - 1,
                       items: fields.map { ($0.start, $0.end, Item.field($0)) })
        case .call(let name, let arguments):
            write(name + "(")
            for (position, argument) in arguments.enumerated() {
                if position > 0 { write(", ") }
                writeInlineComments(before: argument.start)
                if let label = argument.label { write(label + ": ") }
                writeValue(argument.value)
            }
            writeInlineComments(before: value.end - 1)
            write(")")
        default:
            write(inline(value) ?? "")
        }
    }

    private enum Item {
        case value(SyntaxValue)
        case field(SyntaxField)
    }

    private mutating func writeBlock(open: String, close: String, closeOffset: Int, items: [(start: Int, end: Int, item: Item)]) {
        write(open)
        depth += 1
        var previousEnd = 0
        for (position, item) in items.enumerated() {
            newline(blank: false)
            writeLeadingComments(before: item.start, after: position == 0 ? nil : previousEnd)
            switch item.item {
            case .value(let value):
                writeValue(value)
            case .field(let field):
                writeInlineComments(before: field.keyStart)
                write(FormatPrinter.key(field.key) + ": ")
                writeValue(field.value)
            }
            write(",")
            let next = position + 1 < items.count ? items[position + 1].start : closeOffset
            writeTrailingComments(after: item.end, before: next)
            previousEnd = item.end
        }
        if hasComment(before: closeOffset) {
            newline(blank: false)
            writeLeadingComments(before: closeOffset, after: items.isEmpty ? nil : previousEnd)
        }
        depth -= 1
        newline(blank: false)
        write(close)
    }

    /// The value on one line, or nil when it holds a comment.
    private func inline(_ value: SyntaxValue) -> String? {
        switch value.kind {
        case .identifier(let name): return name
        case .string(let text): return MoleculeFormatter.quote(text)
        case .number(let written): return written
        case .atom(let name): return ":" + name
        case .missing: return ""
        default: break
        }
        if hasComment(from: value.start, before: value.end) { return nil }
        switch value.kind {
        case .list(let elements):
            let parts = elements.compactMap { inline($0) }
            return parts.count == elements.count ? "[" + parts.joined(separator: ", ") + "]" : nil
        case .tuple(let elements):
            let parts = elements.compactMap { inline($0) }
            return parts.count == elements.count ? "{" + parts.joined(separator: ", ") + "}" : nil
        case .object(let fields):
            if fields.isEmpty { return "{}" }
            let parts = fields.compactMap { field in inline(field.value).map { FormatPrinter.key(field.key) + ": " + $0 } }
            return parts.count == fields.count ? "{ " + parts.joined(separator: ", ") + " }" : nil
        case .call(let name, let arguments):
            let parts = arguments.compactMap { argument in
                inline(argument.value).map { (argument.label.map { $0 + ": " } ?? "") + $0 }
            }
            return parts.count == arguments.count ? name + "(" + parts.joined(separator: ", ") + ")" : nil
        default:
            return nil
        }
    }

    private static func key(_ key: String) -> String {
        Lexer.isIdentifier(key) ? key : MoleculeFormatter.quote(key)
    }

    // MARK: Comments

    private func hasComment(before offset: Int) -> Bool {
        nextComment < comments.count && comments[nextComment].start < offset
    }

    private func hasComment(from start: Int, before end: Int) -> Bool {
        var low = 0
        var high = comments.count
        while low < high {
            let middle = (low + high) / 2
            if comments[middle].start < start { low = middle + 1 } else { high = middle }
        }
        return low < comments.count && comments[low].start < end
    }

    /// Comments before `offset`, each on its own line, keeping one blank line where there was one.
    private mutating func writeLeadingComments(before offset: Int, after previousEnd: Int?) {
        var lastEnd = previousEnd
        while hasComment(before: offset) {
            let comment = comments[nextComment]
            if let end = lastEnd, blankLine(from: end, to: comment.start) { newline(blank: true) }
            write(commentText(comment))
            newline(blank: false)
            lastEnd = comment.end
            nextComment += 1
        }
        if let end = lastEnd, offset != Int.max, blankLine(from: end, to: offset), !output.hasSuffix("\n\n") {
            newline(blank: true)
        }
    }

    /// Comments that start on the line where `end` is, before `limit`, after what was just written.
    private mutating func writeTrailingComments(after end: Int, before limit: Int) {
        let line = source.location(ofOffset: end).line
        while hasComment(before: limit), source.location(ofOffset: comments[nextComment].start).line == line {
            write(" " + commentText(comments[nextComment]))
            nextComment += 1
        }
    }

    /// Comments inside an item (between a key and its value, inside a call): kept in place.
    private mutating func writeInlineComments(before offset: Int) {
        while hasComment(before: offset) {
            let comment = comments[nextComment]
            write(commentText(comment))
            nextComment += 1
            if comment.isBlock { write(" ") } else { newline(blank: false) }
        }
    }

    private func commentText(_ comment: Comment) -> String {
        var text = source.text(from: comment.start, to: comment.end)
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }

    private func blankLine(from start: Int, to end: Int) -> Bool {
        guard start < end else { return false }
        var newlines = 0
        for byte in source.bytes[start..<min(end, source.bytes.count)] where byte == UInt8(ascii: "\n") {
            newlines += 1
            if newlines >= 2 { return true }
        }
        return false
    }

    // MARK: Output

    private mutating func write(_ text: String) {
        if column == 0, !text.isEmpty {
            let indent = String(repeating: "  ", count: depth)
            output += indent
            column = indent.count
        }
        output += text
        column += text.count
    }

    private mutating func newline(blank: Bool) {
        if column > 0 || !output.hasSuffix("\n") {
            output += "\n"
        }
        if blank, !output.hasSuffix("\n\n"), !output.isEmpty { output += "\n" }
        column = 0
    }
}
