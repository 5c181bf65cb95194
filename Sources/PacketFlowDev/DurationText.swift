import Foundation

/// Durations as users type them on the command line: `90s`, `2m`, `1h`, `500ms`, or plain
/// seconds (`45`).
public enum DurationText {
    /// The duration `text` names; throws ``DevError`` naming the accepted forms.
    public static func parse(_ text: String) throws(DevError) -> Duration {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3_600)]
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            if let value = Double(trimmed.dropLast(suffix.count)), value >= 0 {
                return .milliseconds(Int64((value * scale * 1_000).rounded()))
            }
        }
        if let value = Double(trimmed), value >= 0 { return .milliseconds(Int64((value * 1_000).rounded())) }
        throw DevError("'\(text)' is not a duration: write 90s, 2m, 1h, 500ms or a number of seconds")
    }
}
