extension JSON {
    /// The byte ranges of the members of a top-level object, by key, converting nothing: for
    /// readers that look at one or two members and pass others on as the bytes they are.
    ///
    /// Returns `nil` when the document is valid but is not an object, or when it is one the
    /// allocation-free scanner declines (a key with escapes, deep nesting: rare, and
    /// ``parse(_:)-(UnsafeRawBufferPointer)`` then reads it); throws when it is not JSON.
    public static func memberRanges(in input: UnsafeRawBufferPointer) throws(JSONError) -> [String: Range<Int>]? {
        guard JSONSyntaxScanner.accepts(input) else {
            _ = try JanssonDocument(parsing: input)
            return nil
        }
        var members: [String: Range<Int>] = [:]
        let found = JSONSyntaxScanner.forEachMember(inAccepted: input) { key, range in
            members[String(decoding: key, as: UTF8.self)] = range
        }
        return found ? members : nil
    }

    /// The byte ranges of the values of the members `names` of a top-level object, in the
    /// order of `names` (`nil` for a member it lacks), with no string or dictionary made: the
    /// per-line path of readers that pick two or three members.
    ///
    /// Returns `nil` as ``memberRanges(in:)`` does; throws when the document is not JSON.
    public static func memberRanges(in input: UnsafeRawBufferPointer, named names: [StaticString]) throws(JSONError) -> [Range<Int>?]? {
        guard JSONSyntaxScanner.accepts(input) else {
            _ = try JanssonDocument(parsing: input)
            return nil
        }
        var ranges = [Range<Int>?](repeating: nil, count: names.count)
        let found = JSONSyntaxScanner.forEachMember(inAccepted: input) { key, range in
            for (index, name) in names.enumerated()
            where name.utf8CodeUnitCount == key.count
                && UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount).elementsEqual(key)
            {
                ranges[index] = range
            }
        }
        return found ? ranges : nil
    }

    /// The byte ranges of the elements of an array given as its bytes (a slice of a document
    /// ``memberRanges(in:)`` read), relative to `array`'s start; `nil` when it is not an array.
    ///
    /// Only for bytes that are one valid value.
    public static func elementRanges(ofValidArray array: UnsafeRawBufferPointer) -> [Range<Int>]? {
        JSONSyntaxScanner.elementRanges(ofValidArray: array)
    }

    /// A valid JSON value's bytes without the whitespace between its tokens: the compact form,
    /// everything else (key order, number spelling, escapes) as written.
    ///
    /// Only for bytes that are one valid value (whitespace is then only between tokens or
    /// inside strings, which are kept whole).
    public static func compacted(_ value: UnsafeRawBufferPointer) -> [UInt8] {
        // Compact already (no whitespace byte anywhere): one copy.
        if !value.contains(where: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }) {
            return Array(value)
        }
        var output: [UInt8] = []
        output.reserveCapacity(value.count)
        var inString = false
        var escaped = false
        for byte in value {
            if inString {
                output.append(byte)
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                continue
            case UInt8(ascii: "\""):
                inString = true
                output.append(byte)
            default:
                output.append(byte)
            }
        }
        return output
    }

    /// Appends `text` as a JSON string (quoted; `"`, `\` and control characters escaped) to
    /// `output`: for writers that build JSON around bytes they already hold.
    public static func appendString(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        // The usual case, nothing to escape: one copy.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            output.append(contentsOf: text.utf8)
            output.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): output.append(contentsOf: #"\\"#.utf8)
            case UInt8(ascii: "\n"): output.append(contentsOf: #"\n"#.utf8)
            case UInt8(ascii: "\r"): output.append(contentsOf: #"\r"#.utf8)
            case UInt8(ascii: "\t"): output.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                output.append(contentsOf: #"\u00"#.utf8)
                output.append(hex[Int(byte >> 4)])
                output.append(hex[Int(byte & 0xF)])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}

extension JSONSyntaxScanner {
    /// Calls `body` with each member's key bytes (no escapes in accepted documents) and value
    /// range of a top-level object; false when the document is not an object. Only for documents
    /// ``accepts(_:)`` accepted.
    static func forEachMember(inAccepted document: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer, Range<Int>) -> Void) -> Bool {
        guard let start = document.baseAddress else { return false }
        var scanner = JSONSyntaxScanner(bytes: start.assumingMemoryBound(to: UInt8.self), count: document.count)
        scanner.skipWhitespace()
        guard scanner.bytes[scanner.position] == UInt8(ascii: "{") else { return false }
        scanner.position += 1
        scanner.skipWhitespace()
        while scanner.bytes[scanner.position] == UInt8(ascii: "\"") {
            let keyStart = scanner.position + 1
            scanner.skipValue()
            let key = UnsafeRawBufferPointer(start: scanner.bytes + keyStart, count: scanner.position - 1 - keyStart)
            scanner.skipWhitespace()
            scanner.position += 1  // the colon
            scanner.skipWhitespace()
            let valueStart = scanner.position
            scanner.skipValue()
            body(key, valueStart..<scanner.position)
            scanner.skipWhitespace()
            guard scanner.bytes[scanner.position] == UInt8(ascii: ",") else { break }
            scanner.position += 1
            scanner.skipWhitespace()
        }
        return true
    }

    /// See ``JSON/elementRanges(ofValidArray:)``.
    static func elementRanges(ofValidArray array: UnsafeRawBufferPointer) -> [Range<Int>]? {
        guard let start = array.baseAddress, !array.isEmpty else { return nil }
        var scanner = JSONSyntaxScanner(bytes: start.assumingMemoryBound(to: UInt8.self), count: array.count)
        scanner.skipWhitespace()
        guard scanner.bytes[scanner.position] == UInt8(ascii: "[") else { return nil }
        var elements: [Range<Int>] = []
        scanner.position += 1
        scanner.skipWhitespace()
        while scanner.bytes[scanner.position] != UInt8(ascii: "]") {
            let elementStart = scanner.position
            scanner.skipValue()
            elements.append(elementStart..<scanner.position)
            scanner.skipWhitespace()
            guard scanner.bytes[scanner.position] == UInt8(ascii: ",") else { break }
            scanner.position += 1
            scanner.skipWhitespace()
        }
        return elements
    }
}
