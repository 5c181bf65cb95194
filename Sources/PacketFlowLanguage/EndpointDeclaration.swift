/// Where a molecule's events come from or its results go.
///
/// Sources: `topic("orders")` or `topic("orders", to: ValidatePacket)`. Sinks: `topic("results")`,
/// `topic("audit", from: SavePacket)` or `connector("postgres", table: "results")`.
public struct EndpointDeclaration: Sendable, Hashable {
    /// A Kafka topic or a connector.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A Kafka topic outside the molecule, named as written.
        case topic
        /// A connector, fed through a topic the plan names.
        case connector
    }

    /// Topic or connector.
    public var kind: Kind
    /// The topic name or connector name.
    public var name: String
    /// For a source, the packets it feeds (`to:`); for a sink, the packets feeding it (`from:`).
    /// Empty means the molecule's entry packets (sources) or final packets (sinks).
    public var packets: [String]
    /// A connector's other labelled arguments, as strings.
    public var options: [String: String]
    /// Where the endpoint is written.
    public var location: SourceLocation
    /// Where each name in ``packets`` is written.
    public var packetLocations: [SourceLocation]

    /// Creates an endpoint.
    public init(
        kind: Kind, name: String, packets: [String] = [], options: [String: String] = [:],
        location: SourceLocation, packetLocations: [SourceLocation] = []
    ) {
        self.kind = kind
        self.name = name
        self.packets = packets
        self.options = options
        self.location = location
        self.packetLocations = packetLocations
    }
}
