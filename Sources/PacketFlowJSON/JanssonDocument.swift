import CJansson

/// A tree jansson parsed, owned by this value: its root is released exactly once, when it goes away.
///
/// Noncopyable rather than a `final class`: a document lives only inside one parse call, so owning the
/// root without a heap allocation per message keeps the data path cheap while the compiler still
/// enforces single ownership. This is the only place that turns jansson trees into ``JSONValue``s.
struct JanssonDocument: ~Copyable {
    /// How every input is read: any value at top level (`42` and `"x"` are documents), duplicate keys
    /// rejected, `\u0000` allowed inside strings (Swift strings can hold it).
    static let loadFlags = Int(JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL)

    private let root: UnsafeMutablePointer<json_t>

    /// Parses `input` with ``loadFlags``; throws the error jansson reports.
    init(parsing input: UnsafeRawBufferPointer) throws(JSONError) {
        var error = json_error_t()
        let loaded: UnsafeMutablePointer<json_t>?
        if let start = input.baseAddress {
            loaded = json_loadb(start.assumingMemoryBound(to: CChar.self), input.count, Self.loadFlags, &error)
        } else {
            // jansson rejects a NULL buffer as an invalid argument; an empty input must read as empty.
            loaded = json_loadb("", 0, Self.loadFlags, &error)
        }
        guard let loaded else {
            throw Self.translate(error)
        }
        root = loaded
    }

    deinit {
        json_decref(root)
    }

    /// The whole document as a Swift value.
    func value() -> JSONValue {
        Self.convert(root)
    }

    /// The value at `path` without converting the rest of the document, or `nil` when it leads nowhere.
    func value(at path: JSONPath) -> JSONValue? {
        var current = root
        for segment in path.segments {
            let next: UnsafeMutablePointer<json_t>?
            switch current.pointee.type {
            case JSON_OBJECT:
                next = segment.withCString { json_object_getn(current, $0, segment.utf8.count) }
            case JSON_ARRAY:
                next = JSONPath.arrayIndex(segment).flatMap { json_array_get(current, $0) }
            default:
                next = nil
            }
            guard let next else { return nil }
            current = next
        }
        return Self.convert(current)
    }

    private static func convert(_ node: UnsafeMutablePointer<json_t>) -> JSONValue {
        switch node.pointee.type {
        case JSON_OBJECT:
            var object = JSONObject(minimumCapacity: json_object_size(node))
            var iterator = json_object_iter(node)
            while let member = iterator {
                let key = string(json_object_iter_key(member), count: json_object_iter_key_len(member))
                object.append(key: key, value: convert(json_object_iter_value(member)))
                iterator = json_object_iter_next(node, member)
            }
            return .object(object)
        case JSON_ARRAY:
            let count = json_array_size(node)
            var elements: [JSONValue] = []
            elements.reserveCapacity(count)
            for index in 0..<count {
                elements.append(convert(json_array_get(node, index)))
            }
            return .array(elements)
        case JSON_STRING:
            return .string(string(json_string_value(node), count: json_string_length(node)))
        case JSON_INTEGER:
            return .integer(Int64(json_integer_value(node)))
        case JSON_REAL:
            return .number(json_real_value(node))
        case JSON_TRUE:
            return .bool(true)
        case JSON_FALSE:
            return .bool(false)
        default:
            return .null
        }
    }

    /// A Swift string from jansson's bytes, which jansson has already checked are valid UTF-8.
    private static func string(_ start: UnsafePointer<CChar>?, count: Int) -> String {
        guard let start else { return "" }
        return start.withMemoryRebound(to: UInt8.self, capacity: count) {
            String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
        }
    }

    /// The library's error for what jansson reported, with advice where jansson's text has none.
    static func translate(_ error: json_error_t) -> JSONError {
        var error = error
        let text = withUnsafeBytes(of: &error.text) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        let code: JSONError.Code
        var message = text
        switch json_error_code(&error) {
        case json_error_invalid_syntax:
            code = .invalidSyntax
        case json_error_invalid_utf8:
            code = .invalidUTF8
        case json_error_premature_end_of_input:
            code = .unexpectedEndOfInput
        case json_error_end_of_input_expected:
            code = .trailingCharacters
        case json_error_duplicate_key:
            code = .duplicateKey
        case json_error_numeric_overflow:
            code = .numberOutOfRange
            if text.hasPrefix("too big") {
                message += " (integers must fit in a signed 64-bit value; send larger ones as strings)"
            }
        case json_error_null_byte_in_key:
            code = .nullByteInKey
        case json_error_stack_overflow:
            code = .nestingTooDeep
        case json_error_out_of_memory:
            code = .outOfMemory
        default:
            code = .other
        }
        let location = JSONError.Location(
            line: Int(error.line),
            column: Int(error.column),
            byteOffset: Int(error.position)
        )
        return JSONError(code: code, location: location, message: message)
    }
}
