/// One JSON value as a Swift value type: what ``JSON/parse(_:)-(UnsafeRawBufferPointer)`` returns and the
/// serializers write.
///
/// Integers and reals stay apart: `3` parses as `.integer(3)` and `3.0` as `.number(3.0)`, so a value
/// read and written again keeps its form, and `.integer(3) != .number(3.0)`. Objects keep their keys in
/// input order (see ``JSONObject``). Build values with literals:
///
/// ```swift
/// let order: JSONValue = ["id": 42, "items": [["sku": "AB-12", "qty": 3]], "gift": false, "note": nil]
/// ```
public enum JSONValue: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number written without fraction or exponent; JSON integers must fit in `Int64`.
    case integer(Int64)
    /// A number written with a fraction or exponent. Writing NaN or infinity throws.
    case number(Double)
    /// A string; any Unicode, including `\u0000`.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object, keys in input (or insertion) order.
    case object(JSONObject)
}

extension JSONValue {
    /// The member for `key` when this is an object that has it; otherwise `nil`.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let object) = self else { return nil }
        return object[key]
    }

    /// The element at `index` when this is an array that long; otherwise `nil` (never traps).
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }

    /// `true` for `.null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The Boolean, when this is `.bool`.
    public var boolValue: Bool? {
        guard case .bool(let value) = self else { return nil }
        return value
    }

    /// The integer, when this is `.integer`, or a `.number` holding a whole value that fits `Int64`.
    public var int64Value: Int64? {
        switch self {
        case .integer(let value):
            return value
        case .number(let value):
            // Not Int64(exactly:): that calls libm's rounding, which would make every client link libm.
            guard value >= -0x1p63, value < 0x1p63 else { return nil }
            let truncated = Int64(value)
            return Double(truncated) == value ? truncated : nil
        default:
            return nil
        }
    }

    /// The number as a `Double`, for `.number` and `.integer` (large integers round to nearest).
    public var doubleValue: Double? {
        switch self {
        case .integer(let value):
            return Double(value)
        case .number(let value):
            return value
        default:
            return nil
        }
    }

    /// The string, when this is `.string`.
    public var stringValue: String? {
        guard case .string(let value) = self else { return nil }
        return value
    }

    /// The elements, when this is `.array`.
    public var arrayValue: [JSONValue]? {
        guard case .array(let value) = self else { return nil }
        return value
    }

    /// The object, when this is `.object`.
    public var objectValue: JSONObject? {
        guard case .object(let value) = self else { return nil }
        return value
    }
}
