/// The six groups every packet belongs to: PacketFlow's periodic table.
///
/// A packet's group decides how it is partitioned, consumed, retried, placed and scaled;
/// ``properties`` holds those decisions so no component asks the user for them.
/// The raw value is the two-letter symbol used in molecule files and Kafka headers.
public enum PacketGroup: String, CaseIterable, Sendable, Hashable, Codable {
    /// Control flow: ordered, sequential steps such as transactions.
    case controlFlow = "CF"
    /// Data flow: independent records processed in parallel.
    case dataFlow = "DF"
    /// Event driven: reactions to external events, latency first.
    case eventDriven = "ED"
    /// Collective: coordination across packets, such as barriers, votes and joins.
    case collective = "CO"
    /// Meta-computational: packets that change the system itself, such as scaling or migration.
    case metaComputational = "MC"
    /// Resource management: caches, budgets and rate limits.
    case resourceManagement = "RM"

    /// Reads a group from its symbol, ignoring case ("cf", "CF").
    ///
    /// Returns `nil` for anything that is not one of the six symbols.
    public init?(symbol: some StringProtocol) {
        var text = String(symbol)
        guard let group = text.withUTF8({ PacketGroup(symbolBytes: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = group
    }

    /// Reads a group from its symbol's UTF-8 bytes, ignoring case; no string is made.
    public init?(symbolBytes bytes: UnsafeRawBufferPointer) {
        guard bytes.count == 2 else { return nil }
        // ASCII letters to upper case; anything else stays unequal to every symbol.
        let first = bytes[0] & 0xDF
        let second = bytes[1] & 0xDF
        switch (first, second) {
        case (UInt8(ascii: "C"), UInt8(ascii: "F")): self = .controlFlow
        case (UInt8(ascii: "D"), UInt8(ascii: "F")): self = .dataFlow
        case (UInt8(ascii: "E"), UInt8(ascii: "D")): self = .eventDriven
        case (UInt8(ascii: "C"), UInt8(ascii: "O")): self = .collective
        case (UInt8(ascii: "M"), UInt8(ascii: "C")): self = .metaComputational
        case (UInt8(ascii: "R"), UInt8(ascii: "M")): self = .resourceManagement
        default: return nil
        }
    }

    /// The two-letter symbol: "CF", "DF", "ED", "CO", "MC" or "RM".
    public var symbol: String { rawValue }

    /// The group's name in words, for status views and documentation: "control flow".
    public var name: String {
        switch self {
        case .controlFlow: "control flow"
        case .dataFlow: "data flow"
        case .eventDriven: "event driven"
        case .collective: "collective"
        case .metaComputational: "meta-computational"
        case .resourceManagement: "resource management"
        }
    }
}

extension PacketGroup: CustomStringConvertible {
    public var description: String { rawValue }
}
