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
        self.init(rawValue: symbol.uppercased())
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
