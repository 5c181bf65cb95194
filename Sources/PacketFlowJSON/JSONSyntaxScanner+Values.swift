extension JSONSyntaxScanner {
    /// The value of a document ``accepts(_:)`` has accepted, built straight from its bytes.
    ///
    /// Only for accepted documents, whose validity and limits it relies on: nesting of at most
    /// ``maximumDepth`` (so recursion is shallow), integers of at most 18 digits (so they fit `Int64`
    /// without checks), reals within `Double` range. Reals are read by the standard library, which
    /// rounds correctly as jansson's `strtod` does, so both give the same `Double`. About three times
    /// faster than building a jansson tree and converting it; the tests compare the two on random input.
    static func value(ofAccepted document: UnsafeRawBufferPointer) -> JSONValue {
        var scanner = JSONSyntaxScanner(bytes: document.baseAddress!.assumingMemoryBound(to: UInt8.self), count: document.count)
        var pending = PendingMembers()
        scanner.skipWhitespace()
        return scanner.buildValue(&pending)
    }

    /// Members of the containers being built, on one stack per document: each container is copied
    /// out at exactly its size when it closes, instead of growing its own arrays by reallocation.
    private struct PendingMembers {
        var keys: [String]
        var values: [JSONValue]

        init() {
            // Enough for a typical message without regrowing.
            keys = []
            values = []
            keys.reserveCapacity(16)
            values.reserveCapacity(16)
        }
    }

    private mutating func buildValue(_ pending: inout PendingMembers) -> JSONValue {
        switch bytes[position] {
        case UInt8(ascii: "{"):
            return .object(buildObject(&pending))
        case UInt8(ascii: "["):
            return .array(buildArray(&pending))
        case UInt8(ascii: "\""):
            return .string(buildString())
        case UInt8(ascii: "t"):
            position += 4
            return .bool(true)
        case UInt8(ascii: "f"):
            position += 5
            return .bool(false)
        case UInt8(ascii: "n"):
            position += 4
            return .null
        default:
            return buildNumber()
        }
    }

    private mutating func buildObject(_ pending: inout PendingMembers) -> JSONObject {
        position += 1
        skipWhitespace()
        if bytes[position] == UInt8(ascii: "}") {
            position += 1
            return JSONObject()
        }
        let keyBase = pending.keys.count
        let valueBase = pending.values.count
        repeat {
            pending.keys.append(buildString())
            skipWhitespace()
            position += 1  // the colon
            skipWhitespace()
            let value = buildValue(&pending)
            pending.values.append(value)
        } while skipSeparator()
        let object = JSONObject(uniqueKeys: Array(pending.keys[keyBase...]), values: Array(pending.values[valueBase...]))
        pending.keys.removeSubrange(keyBase...)
        pending.values.removeSubrange(valueBase...)
        return object
    }

    private mutating func buildArray(_ pending: inout PendingMembers) -> [JSONValue] {
        position += 1
        skipWhitespace()
        if bytes[position] == UInt8(ascii: "]") {
            position += 1
            return []
        }
        let base = pending.values.count
        repeat {
            let element = buildValue(&pending)
            pending.values.append(element)
        } while skipSeparator()
        let elements = Array(pending.values[base...])
        pending.values.removeSubrange(base...)
        return elements
    }

    /// Skips the `,` or closing bracket after a member and the whitespace around it; `true` for a comma.
    private mutating func skipSeparator() -> Bool {
        skipWhitespace()
        let separator = bytes[position]
        position += 1
        skipWhitespace()
        return separator == UInt8(ascii: ",")
    }

    /// Reads a string from its opening quote; decoded text is never longer than its source bytes.
    private mutating func buildString() -> String {
        let start = position + 1
        var hasEscapes = false
        position = start
        while bytes[position] != UInt8(ascii: "\"") {
            if bytes[position] == UInt8(ascii: "\\") {
                hasEscapes = true
                position += 2
            } else {
                position += 1
            }
        }
        let source = UnsafeBufferPointer(start: bytes + start, count: position - start)
        position += 1
        guard hasEscapes else {
            return String(decoding: source, as: UTF8.self)
        }
        return String(unsafeUninitializedCapacity: source.count) { output in
            Self.unescape(source, into: output)
        }
    }

    /// Writes the UTF-8 of an escaped string's source into `output`; returns the byte count.
    private static func unescape(_ source: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var read = 0
        var written = 0
        while read < source.count {
            let byte = source[read]
            guard byte == UInt8(ascii: "\\") else {
                output[written] = byte
                read += 1
                written += 1
                continue
            }
            let escape = source[read + 1]
            read += 2
            let simple: UInt8?
            switch escape {
            case UInt8(ascii: "b"): simple = 0x08
            case UInt8(ascii: "f"): simple = 0x0C
            case UInt8(ascii: "n"): simple = 0x0A
            case UInt8(ascii: "r"): simple = 0x0D
            case UInt8(ascii: "t"): simple = 0x09
            case UInt8(ascii: "u"): simple = nil
            default: simple = escape  // \" \\ \/
            }
            if let simple {
                output[written] = simple
                written += 1
                continue
            }
            var scalar = hexValue(source, at: read)
            read += 4
            if (0xD800...0xDBFF).contains(scalar) {
                // The scanner has checked that an escaped low surrogate follows.
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (hexValue(source, at: read + 2) - 0xDC00)
                read += 6
            }
            for unit in UTF8.encode(Unicode.Scalar(scalar)!)! {
                output[written] = unit
                written += 1
            }
        }
        return written
    }

    private static func hexValue(_ source: UnsafeBufferPointer<UInt8>, at start: Int) -> UInt32 {
        var value: UInt32 = 0
        for digit in source[start..<start + 4] {
            let nibble: UInt8
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = digit - UInt8(ascii: "a") + 10
            default: nibble = digit - UInt8(ascii: "A") + 10
            }
            value = value << 4 | UInt32(nibble)
        }
        return value
    }

    /// Reads an integer (at most 18 digits, so no overflow) or hands a real to the standard library.
    private mutating func buildNumber() -> JSONValue {
        let start = position
        let isNegative = bytes[position] == UInt8(ascii: "-")
        if isNegative {
            position += 1
        }
        var magnitude: Int64 = 0
        var isReal = false
        scan: while position < end {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                magnitude = magnitude &* 10 &+ Int64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "+"), UInt8(ascii: "-"):
                isReal = true
            default:
                break scan
            }
            position += 1
        }
        guard isReal else {
            return .integer(isNegative ? -magnitude : magnitude)
        }
        let text = String(decoding: UnsafeBufferPointer(start: bytes + start, count: position - start), as: UTF8.self)
        // The scanner has checked the syntax and that the value is within Double's range.
        return .number(Double(text)!)
    }
}
