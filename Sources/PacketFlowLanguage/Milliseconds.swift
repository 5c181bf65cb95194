/// A duration a plan stores as whole milliseconds: `Duration` in code, an integer in the
/// plan's JSON (`packetflow plan --json`), so the file reads as it did with numbers.
@propertyWrapper
public struct Milliseconds: Sendable, Hashable, Codable {
    public var wrappedValue: Duration

    public init(wrappedValue: Duration) {
        self.wrappedValue = wrappedValue
    }

    public init(from decoder: any Decoder) throws {
        wrappedValue = .milliseconds(try decoder.singleValueContainer().decode(Int64.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        let (seconds, attoseconds) = wrappedValue.components
        try container.encode(seconds * 1_000 + attoseconds / 1_000_000_000_000_000)
    }
}
