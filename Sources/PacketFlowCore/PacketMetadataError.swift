/// A PacketFlow header whose value cannot be read.
///
/// The runtime routes a message with such a header to the molecule's dead-letter topic with
/// ``description`` as the reason.
public struct PacketMetadataError: Error, Sendable, Hashable {
    /// What is wrong.
    public enum Code: String, Sendable, Hashable {
        /// `pf-group` is not one of CF, DF, ED, CO, MC, RM.
        case unknownGroup
        /// A numeric header (cost, cpu, memory, priority, deadline, attempt) is not a number in range.
        case invalidNumber
        /// `traceparent` is not a valid W3C version-00 trace context.
        case invalidTraceparent
        /// `pf-version` names a format this build does not read.
        case unsupportedVersion
        /// A header that must be non-empty UTF-8 text is empty or missing its value.
        case invalidText
    }

    /// What is wrong.
    public var code: Code
    /// The header's name, e.g. "pf-cost".
    public var header: String
    /// The offending value as text (lossy for bytes that are not UTF-8).
    public var value: String

    /// Creates an error.
    public init(_ code: Code, header: String, value: String) {
        self.code = code
        self.header = header
        self.value = value
    }
}

extension PacketMetadataError: CustomStringConvertible {
    public var description: String {
        let shown = "\"\(value)\""
        switch code {
        case .unknownGroup:
            return "header \(header): unknown group \(shown) (expected one of CF, DF, ED, CO, MC, RM)"
        case .invalidNumber:
            return "header \(header): \(shown) is not a valid number"
        case .invalidTraceparent:
            return "header \(header): \(shown) is not a W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>)"
        case .unsupportedVersion:
            return "header \(header): wire format version \(shown) is not supported (this build reads 1)"
        case .invalidText:
            return "header \(header): \(shown) must be non-empty text"
        }
    }
}
