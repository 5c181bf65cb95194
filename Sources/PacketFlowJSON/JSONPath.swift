/// A dotted path into a JSON value, such as `customer.id` or `items.0.sku` (what `--key-field` takes).
///
/// Segments are separated by `.`. A segment names an object member; when the value at that point is
/// an array, the segment must be a decimal index (`0`, `12`; no sign, no leading zeros). Keys that
/// contain `.` cannot be addressed. Parse a path once and reuse it for every message.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    /// The segments in order, e.g. `["items", "0", "sku"]`.
    public let segments: [String]

    /// Parses `text`; throws ``JSONError/Code/invalidPath`` when it is empty or has an empty segment.
    public init(_ text: String) throws(JSONError) {
        let segments = text.split(separator: ".", omittingEmptySubsequences: false)
        guard !text.isEmpty, !segments.contains(where: \.isEmpty) else {
            throw JSONError(
                code: .invalidPath,
                location: nil,
                message: "\"\(text)\" has an empty segment; write keys separated by dots, e.g. customer.id or items.0.sku"
            )
        }
        self.segments = segments.map(String.init)
    }

    /// The path as written, segments joined by dots.
    public var description: String {
        segments.joined(separator: ".")
    }

    /// The array index a segment denotes, or `nil` when it is not a canonical decimal index.
    static func arrayIndex(_ segment: String) -> Int? {
        guard segment == "0" || segment.first != "0", segment.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return nil
        }
        return Int(segment)
    }
}

extension JSONValue {
    /// The value at `path`, or `nil` when a member is missing, an index is out of range or not a
    /// number, or the path descends into a scalar.
    public func value(at path: JSONPath) -> JSONValue? {
        var current = self
        for segment in path.segments {
            switch current {
            case .object(let object):
                guard let member = object[segment] else { return nil }
                current = member
            case .array(let elements):
                guard let index = JSONPath.arrayIndex(segment), index < elements.count else { return nil }
                current = elements[index]
            default:
                return nil
            }
        }
        return current
    }

    /// The value at the dotted path `path`, or `nil` when the path is invalid or leads nowhere.
    ///
    /// For repeated lookups, parse a ``JSONPath`` once and call ``value(at:)``.
    public subscript(path path: String) -> JSONValue? {
        guard let parsed = try? JSONPath(path) else { return nil }
        return value(at: parsed)
    }
}
