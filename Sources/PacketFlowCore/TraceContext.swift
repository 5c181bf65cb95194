/// A W3C trace context (`traceparent`), carried so traces follow packets across stages.
///
/// Format: `00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>`, lower-case hex, trace and
/// parent ids not all zeros (https://www.w3.org/TR/trace-context/).
public struct TraceContext: Sendable, Hashable, Codable {
    /// 32 lower-case hex digits.
    public let traceID: String
    /// 16 lower-case hex digits: the span that produced this packet.
    public let parentID: String
    /// Trace flags; bit 0 is "sampled".
    public let flags: UInt8

    /// Parses a `traceparent` value; `nil` when it is not a valid version-00 context.
    public init?(traceparent: String) {
        let parts = traceparent.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "00",
            Self.isHex(parts[1], count: 32), Self.isHex(parts[2], count: 16), Self.isHex(parts[3], count: 2),
            parts[1].contains(where: { $0 != "0" }), parts[2].contains(where: { $0 != "0" }),
            let flags = UInt8(parts[3], radix: 16)
        else { return nil }
        self.traceID = String(parts[1])
        self.parentID = String(parts[2])
        self.flags = flags
    }

    /// The header value: `00-traceid-parentid-flags`.
    public var traceparent: String {
        let flagDigits = String(flags, radix: 16)
        return "00-\(traceID)-\(parentID)-\(flagDigits.count == 1 ? "0" + flagDigits : flagDigits)"
    }

    private static func isHex(_ text: Substring, count: Int) -> Bool {
        text.utf8.count == count && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
