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
        return JSONSyntaxScanner.memberRanges(inAccepted: input)
    }

    /// The byte ranges of the elements of an array given as its bytes (a slice of a document
    /// ``memberRanges(in:)`` read), relative to `array`'s start; `nil` when it is not an array.
    ///
    /// Only for bytes that are one valid value.
    public static func elementRanges(ofValidArray array: UnsafeRawBufferPointer) -> [Range<Int>]? {
        JSONSyntaxScanner.elementRanges(ofValidArray: array)
    }

    /// Appends `text` as a JSON string (quoted; `"`, `\` and control characters escaped) to
    /// `output`: for writers that build JSON around bytes they already hold.
    public static func appendString(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
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
    /// See ``JSON/memberRanges(in:)``; only for documents ``accepts(_:)`` accepted (keys have no escapes).
    static func memberRanges(inAccepted document: UnsafeRawBufferPointer) -> [String: Range<Int>]? {
        guard let start = document.baseAddress else { return nil }
        var scanner = JSONSyntaxScanner(bytes: start.assumingMemoryBound(to: UInt8.self), count: document.count)
        scanner.skipWhitespace()
        guard scanner.bytes[scanner.position] == UInt8(ascii: "{") else { return nil }
        var members: [String: Range<Int>] = [:]
        scanner.position += 1
        scanner.skipWhitespace()
        while scanner.bytes[scanner.position] == UInt8(ascii: "\"") {
            let keyStart = scanner.position + 1
            scanner.skipValue()
            let key = String(decoding: UnsafeBufferPointer(start: scanner.bytes + keyStart, count: scanner.position - 1 - keyStart), as: UTF8.self)
            scanner.skipWhitespace()
            scanner.position += 1  // the colon
            scanner.skipWhitespace()
            let valueStart = scanner.position
            scanner.skipValue()
            members[key] = valueStart..<scanner.position
            scanner.skipWhitespace()
            guard scanner.bytes[scanner.position] == UInt8(ascii: ",") else { break }
            scanner.position += 1
            scanner.skipWhitespace()
        }
        return members
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
