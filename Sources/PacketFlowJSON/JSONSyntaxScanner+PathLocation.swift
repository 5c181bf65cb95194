extension JSONSyntaxScanner {
    /// The byte range of the value at `path` in `document`, or `nil` when the path leads nowhere.
    ///
    /// Only for documents ``accepts(_:)`` has accepted: it relies on their being valid and on object
    /// keys containing no escapes (the scanner declines those), so keys compare as raw bytes and values
    /// are skipped by structure alone. Lets ``JSON/value(at:in:)-(_,UnsafeRawBufferPointer)`` hand
    /// jansson just the value's bytes instead of the whole message.
    static func rangeOfValue(at path: JSONPath, inAccepted document: UnsafeRawBufferPointer) -> Range<Int>? {
        guard let start = document.baseAddress else { return nil }
        var scanner = JSONSyntaxScanner(bytes: start.assumingMemoryBound(to: UInt8.self), count: document.count)
        return scanner.locate(path)
    }

    private mutating func locate(_ path: JSONPath) -> Range<Int>? {
        skipWhitespace()
        for segment in path.segments {
            switch bytes[position] {
            case UInt8(ascii: "{"):
                guard enterMember(named: segment) else { return nil }
            case UInt8(ascii: "["):
                guard let index = JSONPath.arrayIndex(segment), enterElement(at: index) else { return nil }
            default:
                return nil
            }
        }
        let start = position
        skipValue()
        return start..<position
    }

    /// Moves from `{` to the value of the member `name`; `false` when the object has no such member.
    private mutating func enterMember(named name: String) -> Bool {
        position += 1
        skipWhitespace()
        while bytes[position] == UInt8(ascii: "\"") {
            let keyStart = position + 1
            skipString()
            let isMatch = name.utf8.elementsEqual(UnsafeBufferPointer(start: bytes + keyStart, count: position - 1 - keyStart))
            skipWhitespace()
            position += 1  // the colon
            skipWhitespace()
            if isMatch {
                return true
            }
            skipValue()
            skipWhitespace()
            guard bytes[position] == UInt8(ascii: ",") else { return false }
            position += 1
            skipWhitespace()
        }
        return false
    }

    /// Moves from `[` to the element at `index`; `false` when the array is shorter.
    private mutating func enterElement(at index: Int) -> Bool {
        position += 1
        skipWhitespace()
        guard bytes[position] != UInt8(ascii: "]") else { return false }
        for _ in 0..<index {
            skipValue()
            skipWhitespace()
            guard bytes[position] == UInt8(ascii: ",") else { return false }
            position += 1
            skipWhitespace()
        }
        return true
    }

    /// Skips one valid value: a string, a container (brackets counted outside strings) or a scalar.
    mutating func skipValue() {
        switch bytes[position] {
        case UInt8(ascii: "\""):
            skipString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            repeat {
                switch bytes[position] {
                case UInt8(ascii: "\""):
                    skipString()
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                default:
                    break
                }
                position += 1
            } while depth > 0
        default:
            while position < end {
                switch bytes[position] {
                case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: " "),
                    UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                    return
                default:
                    position += 1
                }
            }
        }
    }

    /// Skips a string from its opening quote to just past its closing quote.
    mutating func skipString() {
        position += 1
        while bytes[position] != UInt8(ascii: "\"") {
            position += bytes[position] == UInt8(ascii: "\\") ? 2 : 1
        }
        position += 1
    }
}
