/// Entry points for reading JSON: parse to a ``JSONValue``, validate without building one, or pick
/// one value out by path.
///
/// Every reader accepts exactly what jansson 2.14 accepts with these choices: any value at top level
/// (`42`, `"x"` and `null` are documents); nothing but whitespace after the value; duplicate object
/// keys rejected; `\u0000` allowed in strings but not in keys; integers must fit in `Int64` (larger
/// ones fail with ``JSONError/Code/numberOutOfRange`` rather than silently losing digits); nesting up
/// to 2048 levels; no byte-order mark. All functions are thread-safe and synchronous; they do not block
/// on I/O.
public enum JSON {
    /// Parses one JSON document.
    ///
    /// A document the allocation-free scanner accepts is built directly from its bytes; anything else
    /// is parsed by jansson, which also reports every error.
    public static func parse(_ input: UnsafeRawBufferPointer) throws(JSONError) -> JSONValue {
        if JSONSyntaxScanner.accepts(input) {
            return JSONSyntaxScanner.value(ofAccepted: input)
        }
        return try JanssonDocument(parsing: input).value()
    }

    /// Parses one JSON document from bytes (an array, a slice, a string's UTF-8 view, ...).
    @inlinable
    public static func parse<Bytes: Collection<UInt8>>(_ input: Bytes) throws(JSONError) -> JSONValue {
        try withContiguousBytes(of: input) { buffer throws(JSONError) in try parse(buffer) }
    }

    /// Parses one JSON document from text.
    @inlinable
    public static func parse(_ text: String) throws(JSONError) -> JSONValue {
        try parse(text.utf8)
    }

    /// Checks that `input` is one valid JSON document without building any value.
    ///
    /// Accepts exactly what ``parse(_:)-(UnsafeRawBufferPointer)`` accepts and throws the same error.
    /// Valid input is usually confirmed by an allocation-free scanner; anything the scanner cannot
    /// confirm goes to jansson, which decides and reports line, column and message.
    public static func validate(_ input: UnsafeRawBufferPointer) throws(JSONError) {
        if JSONSyntaxScanner.accepts(input) {
            return
        }
        _ = try JanssonDocument(parsing: input)
    }

    /// Checks bytes (an array, a slice, a string's UTF-8 view, ...); see
    /// ``validate(_:)-(UnsafeRawBufferPointer)``.
    @inlinable
    public static func validate<Bytes: Collection<UInt8>>(_ input: Bytes) throws(JSONError) {
        try withContiguousBytes(of: input) { buffer throws(JSONError) in try validate(buffer) }
    }

    /// Checks text; see ``validate(_:)-(UnsafeRawBufferPointer)``.
    @inlinable
    public static func validate(_ text: String) throws(JSONError) {
        try validate(text.utf8)
    }

    /// The value at `path` in a document, converting only that value, or `nil` when the path leads
    /// nowhere; throws when the document itself is invalid.
    ///
    /// Cheaper than `parse(input).value(at: path)` for pulling a key field out of each message: the
    /// document is checked like ``validate(_:)-(UnsafeRawBufferPointer)`` and only the value found is
    /// converted.
    public static func value(at path: JSONPath, in input: UnsafeRawBufferPointer) throws(JSONError) -> JSONValue? {
        guard JSONSyntaxScanner.accepts(input) else {
            return try JanssonDocument(parsing: input).value(at: path)
        }
        // The document is valid: jansson only needs to read the value's own bytes.
        guard let range = JSONSyntaxScanner.rangeOfValue(at: path, inAccepted: input) else { return nil }
        let found = UnsafeRawBufferPointer(rebasing: input[range])
        if found.first == UInt8(ascii: "\""), !found.contains(UInt8(ascii: "\\")) {
            // The usual key field, a string without escapes: its bytes are the (checked) UTF-8.
            return .string(String(decoding: found.dropFirst().dropLast(), as: UTF8.self))
        }
        return try JanssonDocument(parsing: found).value()
    }

    /// The value at `path` in a document given as bytes; see ``value(at:in:)-(_,UnsafeRawBufferPointer)``.
    @inlinable
    public static func value<Bytes: Collection<UInt8>>(
        at path: JSONPath,
        in input: Bytes
    ) throws(JSONError) -> JSONValue? {
        try withContiguousBytes(of: input) { buffer throws(JSONError) in try value(at: path, in: buffer) }
    }

    /// Calls `body` with `input`'s bytes, copying them only when they are not already contiguous.
    @inlinable
    static func withContiguousBytes<Bytes: Collection<UInt8>, Result>(
        of input: Bytes,
        _ body: (UnsafeRawBufferPointer) throws(JSONError) -> Result
    ) throws(JSONError) -> Result {
        // The standard library's closures rethrow untyped errors; Result carries the typed one through.
        let direct = input.withContiguousStorageIfAvailable { buffer in
            Swift.Result { () throws(JSONError) in try body(UnsafeRawBufferPointer(buffer)) }
        }
        if let direct {
            return try direct.get()
        }
        return try Array(input).withUnsafeBytes { buffer in
            Swift.Result { () throws(JSONError) in try body(buffer) }
        }.get()
    }
}
