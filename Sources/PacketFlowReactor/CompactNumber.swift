/// Short renderings of counts and rates for status lines: 950, 5.2k, 41k, 1.3M.
///
/// Deterministic and locale-free, so reasons read the same in tests, logs and MC packets.
enum CompactNumber {
    /// Formats a non-negative magnitude with at most two significant digits above 1,000.
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "?" }
        let sign = value < 0 ? "-" : ""
        let magnitude = abs(value)
        switch magnitude {
        case ..<1_000:
            return sign + String(Int(magnitude.rounded()))
        case ..<9_950:
            return sign + oneDecimal(magnitude / 1_000) + "k"
        case ..<999_500:
            return sign + String(Int((magnitude / 1_000).rounded())) + "k"
        case ..<9_950_000:
            return sign + oneDecimal(magnitude / 1_000_000) + "M"
        default:
            return sign + String(Int((magnitude / 1_000_000).rounded())) + "M"
        }
    }

    /// Formats an integer count.
    static func format(_ value: Int64) -> String { format(Double(value)) }

    /// Whole seconds of a duration: "120 s".
    static func seconds(_ duration: Duration) -> String {
        "\(Int(duration.inSeconds.rounded())) s"
    }

    private static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
