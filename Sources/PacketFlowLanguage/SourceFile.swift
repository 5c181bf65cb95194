/// The text of one molecule file, with the line table diagnostics need.
///
/// Offsets are UTF-8 byte offsets into ``bytes``; lines and columns are 1-based, and a column
/// counts Unicode scalars so a caret lines up under the character a user sees.
public struct SourceFile: Sendable, Hashable {
    /// The name shown in diagnostics, usually the path the file was loaded from.
    public let name: String
    /// The file's text.
    public let text: String
    /// The file's UTF-8 bytes, as the lexer reads them.
    let bytes: [UInt8]
    /// Byte offset where each line starts; the first entry is 0.
    let lineStarts: [Int]

    /// Creates a source file from its name and text.
    public init(name: String, text: String) {
        self.name = name
        self.text = text
        let bytes = Array(text.utf8)
        self.bytes = bytes
        var starts = [0]
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            starts.append(offset + 1)
        }
        self.lineStarts = starts
    }

    /// The number of lines, counting a last line without a newline.
    public var lineCount: Int { lineStarts.count }

    /// The location of a byte offset; offsets past the end map to the end of the file.
    public func location(ofOffset offset: Int) -> SourceLocation {
        let clamped = max(0, min(offset, bytes.count))
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= clamped { low = middle } else { high = middle - 1 }
        }
        // One scalar per byte that is not a UTF-8 continuation byte.
        var column = 1
        for byte in bytes[lineStarts[low]..<clamped] where byte & 0xC0 != 0x80 { column += 1 }
        return SourceLocation(file: name, line: low + 1, column: column, offset: clamped)
    }

    /// The text of a 1-based line without its line break; empty for a line out of range.
    public func line(_ number: Int) -> String {
        guard number >= 1, number <= lineStarts.count else { return "" }
        let start = lineStarts[number - 1]
        var end = number < lineStarts.count ? lineStarts[number] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    /// The text between two byte offsets.
    func text(from start: Int, to end: Int) -> String {
        String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
