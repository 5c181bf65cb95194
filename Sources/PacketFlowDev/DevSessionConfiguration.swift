import PacketFlowLanguage

/// What a ``DevSession`` deploys, how much load it drives, how long it runs and how it draws.
public struct DevSessionConfiguration: Sendable {
    /// A molecule file to deploy, with its plan (for its source and sink topics).
    public struct Molecule: Sendable {
        /// The file name, as the reactor shows it.
        public var sourceName: String
        /// The file's text.
        public var source: String
        /// The plan made from it.
        public var plan: TopologyPlan

        /// A molecule to deploy.
        public init(sourceName: String, source: String, plan: TopologyPlan) {
            self.sourceName = sourceName
            self.source = source
            self.plan = plan
        }
    }

    /// The molecules, deployed in order; load goes to the first one's source topics.
    public var molecules: [Molecule]
    /// The Kafka bootstrap address.
    public var bootstrapServers: String
    /// Raw librdkafka properties of the load producer and the topic reader.
    public var properties: [String: String] = [:]
    /// Events per second driven into the first molecule; 0 drives none. Default: 0.
    public var loadRate: Double = 0
    /// How long the load lasts; nil: as long as the session. Default: nil.
    public var loadDuration: Duration?
    /// How long the session runs; nil: until Ctrl-C or SIGTERM. Default: nil.
    public var duration: Duration?
    /// Whether to redraw a live view in place (standard output is a terminal). Default: false.
    public var interactive = false
    /// The lines above the live view: addresses and URLs.
    public var banner = ""
    /// How often the status is polled and the live view redrawn. Default: 1 s.
    public var refreshInterval: Duration = .seconds(1)
    /// How often a status line is printed when not ``interactive``. Default: 5 s.
    public var statusLineInterval: Duration = .seconds(5)

    /// A configuration with the defaults documented on each property.
    public init(molecules: [Molecule], bootstrapServers: String) {
        self.molecules = molecules
        self.bootstrapServers = bootstrapServers
    }
}
