/// Writes ``JSONValue``s as JSON text straight into a byte array.
///
/// A Swift writer rather than a round trip through jansson's `json_dumpb`: it needs no jansson tree
/// (one allocation per value), and Swift's `Double.description` gives the shortest text that reads back
/// as the same `Double` (`0.1`, where jansson's 17-digit precision writes `0.10000000000000001`).
/// Strings are written as UTF-8 with only `"`, `\` and control characters escaped.
struct JSONWriter {
    var output: [UInt8] = []
    private let style: JSONOutputStyle
    /// The first NaN or infinity met; it is written as Swift spells it, so the output is not JSON.
    private(set) var nonFiniteNumber: Double?

    init(style: JSONOutputStyle) {
        self.style = style
    }

    mutating func write(_ value: JSONValue) {
        write(value, depth: 0)
    }

    private mutating func write(_ value: JSONValue, depth: Int) {
        switch value {
        case .null:
            output.append(contentsOf: "null".utf8)
        case .bool(let flag):
            output.append(contentsOf: flag ? "true".utf8 : "false".utf8)
        case .integer(let integer):
            writeInteger(integer)
        case .number(let number):
            if !number.isFinite, nonFiniteNumber == nil {
                nonFiniteNumber = number
            }
            output.append(contentsOf: number.description.utf8)
        case .string(let string):
            writeString(string)
        case .array(let elements):
            writeArray(elements, depth: depth)
        case .object(let object):
            writeObject(object, depth: depth)
        }
    }

    private mutating func writeArray(_ elements: [JSONValue], depth: Int) {
        output.append(UInt8(ascii: "["))
        for (position, element) in elements.enumerated() {
            if position > 0 {
                output.append(UInt8(ascii: ","))
            }
            writeNewline(depth: depth + 1)
            write(element, depth: depth + 1)
        }
        if !elements.isEmpty {
            writeNewline(depth: depth)
        }
        output.append(UInt8(ascii: "]"))
    }

    private mutating func writeObject(_ object: JSONObject, depth: Int) {
        output.append(UInt8(ascii: "{"))
        if style == .pretty {
            let sorted = object.indices.sorted { object.keys[$0].utf8.lexicographicallyPrecedes(object.keys[$1].utf8) }
            for (count, position) in sorted.enumerated() {
                writeMember(of: object, at: position, isFirst: count == 0, depth: depth)
            }
        } else {
            for position in object.indices {
                writeMember(of: object, at: position, isFirst: position == 0, depth: depth)
            }
        }
        if !object.isEmpty {
            writeNewline(depth: depth)
        }
        output.append(UInt8(ascii: "}"))
    }

    private mutating func writeMember(of object: JSONObject, at position: Int, isFirst: Bool, depth: Int) {
        if !isFirst {
            output.append(UInt8(ascii: ","))
        }
        writeNewline(depth: depth + 1)
        writeString(object.keys[position])
        output.append(UInt8(ascii: ":"))
        if style == .pretty {
            output.append(UInt8(ascii: " "))
        }
        write(object.values[position], depth: depth + 1)
    }

    private mutating func writeNewline(depth: Int) {
        guard style == .pretty else { return }
        output.append(UInt8(ascii: "\n"))
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * depth))
    }

    private mutating func writeInteger(_ integer: Int64) {
        if integer < 0 {
            output.append(UInt8(ascii: "-"))
        }
        // The magnitude, unlike the value, is representable for Int64.min.
        var magnitude = integer.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            } while magnitude != 0
            output.append(contentsOf: digits[start...])
        }
    }

    private mutating func writeString(_ string: String) {
        output.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            var runStart = 0
            for position in bytes.indices {
                let byte = bytes[position]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                output.append(contentsOf: bytes[runStart..<position])
                writeEscape(byte)
                runStart = position + 1
            }
            output.append(contentsOf: bytes[runStart...])
        }
        output.append(UInt8(ascii: "\""))
    }

    private mutating func writeEscape(_ byte: UInt8) {
        output.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"):
            output.append(byte)
        case 0x08:
            output.append(UInt8(ascii: "b"))
        case 0x0C:
            output.append(UInt8(ascii: "f"))
        case 0x0A:
            output.append(UInt8(ascii: "n"))
        case 0x0D:
            output.append(UInt8(ascii: "r"))
        case 0x09:
            output.append(UInt8(ascii: "t"))
        default:
            let hex = Array("0123456789abcdef".utf8)
            output.append(contentsOf: "u00".utf8)
            output.append(hex[Int(byte >> 4)])
            output.append(hex[Int(byte & 0x0F)])
        }
    }
}
