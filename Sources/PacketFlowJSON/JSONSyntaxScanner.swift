/// Decides without allocating that jansson would accept a document: the fast path of
/// ``JSON/validate(_:)-(UnsafeRawBufferPointer)``.
///
/// `accepts` returns `true` only for input that jansson accepts under ``JanssonDocument/loadFlags``;
/// `false` means "not shown valid", and the caller asks jansson, which has the last word and the error
/// message. So the scanner may decline what it cannot check cheaply, and does: nesting deeper than
/// ``maximumDepth``, more than ``maximumOpenKeys`` keys in open objects, keys containing escapes
/// (duplicate detection compares raw bytes), integers of 19 or more digits (which may overflow
/// `Int64`), and reals with more than 200 integer digits or a 3-digit exponent (which may overflow
/// `Double`). Everything else follows jansson's lexer: whitespace is space, tab, CR and LF; strings are
/// well-formed UTF-8 without raw control characters; `\u` escapes pair surrogates.
struct JSONSyntaxScanner {
    static let maximumDepth = 64
    static let maximumOpenKeys = 96

    let bytes: UnsafePointer<UInt8>
    let end: Int
    var position = 0

    init(bytes: UnsafePointer<UInt8>, count: Int) {
        self.bytes = bytes
        self.end = count
    }

    /// `true` when jansson is certain to accept `input`; `false` when jansson must decide.
    static func accepts(_ input: UnsafeRawBufferPointer) -> Bool {
        guard let start = input.baseAddress, input.count <= UInt32.max else { return false }
        var scanner = JSONSyntaxScanner(bytes: start.assumingMemoryBound(to: UInt8.self), count: input.count)
        // 1 KiB: small enough for the stack on every thread (larger ones may go to the heap).
        return withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 2 * maximumOpenKeys + maximumDepth) { scratch in
            scanner.scanDocument(scratch: scratch.baseAddress!)
        }
    }

    private var current: UInt8 {
        bytes[position]
    }

    private var atEnd: Bool {
        position >= end
    }

    /// The document grammar, iteratively: `scratch` holds the open objects' key ranges (start, length)
    /// and, per depth, where that object's keys begin.
    private mutating func scanDocument(scratch: UnsafeMutablePointer<UInt32>) -> Bool {
        let keyStarts = scratch
        let keyLengths = scratch + Self.maximumOpenKeys
        let firstKeyOfDepth = scratch + 2 * Self.maximumOpenKeys
        var openKeys = 0
        var depth = 0
        // Bit n set: the container at depth n + 1 is an object, clear: an array.
        var objectBits: UInt64 = 0

        skipWhitespace()
        while true {
            // Expecting a value.
            guard !atEnd else { return false }
            switch current {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard depth < Self.maximumDepth else { return false }
                let isObject = current == UInt8(ascii: "{")
                position += 1
                skipWhitespace()
                if isObject {
                    objectBits |= 1 << UInt64(depth)
                    firstKeyOfDepth[depth] = UInt32(openKeys)
                } else {
                    objectBits &= ~(1 << UInt64(depth))
                }
                depth += 1
                if !atEnd, current == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    position += 1
                    depth -= 1
                    break
                }
                if isObject {
                    guard scanKey(keyStarts, keyLengths, &openKeys, firstKey: Int(firstKeyOfDepth[depth - 1])) else {
                        return false
                    }
                }
                continue
            case UInt8(ascii: "\""):
                guard scanString() != nil else { return false }
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard scanNumber() else { return false }
            case UInt8(ascii: "t"):
                guard scanLiteral("true") else { return false }
            case UInt8(ascii: "f"):
                guard scanLiteral("false") else { return false }
            case UInt8(ascii: "n"):
                guard scanLiteral("null") else { return false }
            default:
                return false
            }

            // After a value: close containers until one continues with a comma, or the input ends.
            while true {
                skipWhitespace()
                guard depth > 0 else { return atEnd }
                guard !atEnd else { return false }
                let inObject = objectBits & (1 << UInt64(depth - 1)) != 0
                if current == UInt8(ascii: ",") {
                    position += 1
                    skipWhitespace()
                    if inObject {
                        guard scanKey(keyStarts, keyLengths, &openKeys, firstKey: Int(firstKeyOfDepth[depth - 1])) else {
                            return false
                        }
                    }
                    break
                }
                guard current == (inObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) else { return false }
                position += 1
                depth -= 1
                if inObject {
                    openKeys = Int(firstKeyOfDepth[depth])
                }
            }
        }
    }

    /// Scans `"key"`, whitespace, `:` and whitespace; declines escaped, duplicate or too many keys.
    private mutating func scanKey(
        _ keyStarts: UnsafeMutablePointer<UInt32>,
        _ keyLengths: UnsafeMutablePointer<UInt32>,
        _ openKeys: inout Int,
        firstKey: Int
    ) -> Bool {
        guard !atEnd, current == UInt8(ascii: "\""), openKeys < Self.maximumOpenKeys else { return false }
        let start = position + 1
        guard scanString() == false else { return false }
        let length = position - 1 - start
        for other in firstKey..<openKeys where keyLengths[other] == length {
            if memoryEqual(bytes + Int(keyStarts[other]), bytes + start, length) {
                return false
            }
        }
        keyStarts[openKeys] = UInt32(start)
        keyLengths[openKeys] = UInt32(length)
        openKeys += 1
        skipWhitespace()
        guard !atEnd, current == UInt8(ascii: ":") else { return false }
        position += 1
        skipWhitespace()
        return true
    }

    private func memoryEqual(_ lhs: UnsafePointer<UInt8>, _ rhs: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        for offset in 0..<count where lhs[offset] != rhs[offset] {
            return false
        }
        return true
    }

    mutating func skipWhitespace() {
        while !atEnd {
            switch current {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                position += 1
            default:
                return
            }
        }
    }

    private mutating func scanLiteral(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard end - position >= count else { return false }
        for offset in 0..<count where bytes[position + offset] != literal.utf8Start[offset] {
            return false
        }
        position += count
        return true
    }

    /// Scans a string at the opening quote; returns whether it contained an escape, or `nil` if invalid.
    private mutating func scanString() -> Bool? {
        position += 1
        var escaped = false
        while !atEnd {
            let byte = current
            if byte == UInt8(ascii: "\"") {
                position += 1
                return escaped
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
                guard scanEscape() else { return nil }
            } else if byte < 0x20 {
                return nil
            } else if byte < 0x80 {
                position += 1
            } else {
                guard scanMultibyteScalar() else { return nil }
            }
        }
        return nil
    }

    /// Scans `\x` or `\uXXXX` (a high surrogate must be followed by an escaped low one).
    private mutating func scanEscape() -> Bool {
        position += 1
        guard !atEnd else { return false }
        switch current {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
            UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 1
            return true
        case UInt8(ascii: "u"):
            guard let unit = scanHexUnit() else { return false }
            switch unit {
            case 0xD800...0xDBFF:
                guard end - position >= 2, bytes[position] == UInt8(ascii: "\\"),
                    bytes[position + 1] == UInt8(ascii: "u")
                else { return false }
                position += 1
                guard let low = scanHexUnit() else { return false }
                return (0xDC00...0xDFFF).contains(low)
            case 0xDC00...0xDFFF:
                return false
            default:
                return true
            }
        default:
            return false
        }
    }

    /// Scans `uXXXX` at the `u` and returns the code unit.
    private mutating func scanHexUnit() -> UInt32? {
        guard end - position >= 5 else { return nil }
        var unit: UInt32 = 0
        for offset in 1...4 {
            let digit = bytes[position + offset]
            let value: UInt8
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = digit - UInt8(ascii: "A") + 10
            default: return nil
            }
            unit = unit << 4 | UInt32(value)
        }
        position += 5
        return unit
    }

    /// Scans one well-formed multi-byte UTF-8 sequence (Unicode table 3-7): no overlong forms, no
    /// surrogates, nothing above U+10FFFF; the same rules as jansson's `utf8_check_full`.
    private mutating func scanMultibyteScalar() -> Bool {
        let lead = current
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        default: return false
        }
        guard end - position >= length, secondRange.contains(bytes[position + 1]) else { return false }
        for offset in 2..<length where !(0x80...0xBF).contains(bytes[position + offset]) {
            return false
        }
        position += length
        return true
    }

    /// Scans a number as jansson lexes it, declining those that might overflow `Int64` or `Double`.
    private mutating func scanNumber() -> Bool {
        if current == UInt8(ascii: "-") {
            position += 1
        }
        let integerStart = position
        guard !atEnd, isDigit(current) else { return false }
        if current == UInt8(ascii: "0") {
            position += 1
            if !atEnd, isDigit(current) { return false }
        } else {
            skipDigits()
        }
        let integerDigits = position - integerStart
        var isReal = false
        if !atEnd, current == UInt8(ascii: ".") {
            position += 1
            guard !atEnd, isDigit(current) else { return false }
            skipDigits()
            isReal = true
        }
        var exponentDigits = 0
        if !atEnd, current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            if !atEnd, current == UInt8(ascii: "+") || current == UInt8(ascii: "-") {
                position += 1
            }
            let exponentStart = position
            guard !atEnd, isDigit(current) else { return false }
            skipDigits()
            exponentDigits = position - exponentStart
            isReal = true
        }
        return isReal ? integerDigits <= 200 && exponentDigits <= 2 : integerDigits <= 18
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }

    private mutating func skipDigits() {
        while !atEnd, isDigit(current) {
            position += 1
        }
    }
}
