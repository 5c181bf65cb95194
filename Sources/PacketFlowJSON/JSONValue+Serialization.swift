extension JSONValue {
    /// Appends this value as JSON text to `output`.
    ///
    /// Throws ``JSONError/Code/nonFiniteNumber`` for a NaN or infinite `.number`, leaving `output` as it
    /// was. Appending to a reused buffer avoids one allocation per message on the data path.
    public func serialize(into output: inout [UInt8], style: JSONOutputStyle = .compact) throws(JSONError) {
        let start = output.count
        var writer = JSONWriter(style: style)
        // Swapping the buffer in and out lets the writer append without copying it.
        swap(&output, &writer.output)
        writer.write(self)
        swap(&output, &writer.output)
        if let number = writer.nonFiniteNumber {
            output.removeSubrange(start...)
            throw JSONError(
                code: .nonFiniteNumber,
                location: nil,
                message: "\(number) is not a JSON number; send it as null or a string"
            )
        }
    }

    /// This value as JSON text in UTF-8; throws ``JSONError/Code/nonFiniteNumber`` for NaN or infinity.
    public func serialized(_ style: JSONOutputStyle = .compact) throws(JSONError) -> [UInt8] {
        var output: [UInt8] = []
        try serialize(into: &output, style: style)
        return output
    }

    /// This value as JSON text; throws ``JSONError/Code/nonFiniteNumber`` for NaN or infinity.
    public func serializedString(_ style: JSONOutputStyle = .compact) throws(JSONError) -> String {
        String(decoding: try serialized(style), as: UTF8.self)
    }
}

extension JSONValue: CustomStringConvertible {
    /// Compact JSON text, for logs and test failures; NaN and infinity appear as `nan` and `inf`.
    public var description: String {
        var writer = JSONWriter(style: .compact)
        writer.write(self)
        return String(decoding: writer.output, as: UTF8.self)
    }
}
