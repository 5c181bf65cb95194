import PacketFlowCore

/// Settings of the HTTP ingest connector.
public struct IngestConfiguration: Sendable {
    /// The bearer token every request must carry; nil accepts requests without one. Default: nil.
    public var token: String?
    /// The largest body accepted; larger ones get 413. Default: 1 MiB.
    public var maxBodyBytes: Int = 1 << 20
    /// Events handed to the producer and not yet acknowledged, at most; past it requests get
    /// 429. Default: 10,000.
    public var maxInFlightEvents: Int = 10_000
    /// The `Retry-After` of 429 and 503 answers. Default: 1 s.
    public var retryAfter: Duration = .seconds(1)
    /// The group of the published packets. Default: event driven.
    public var group: PacketGroup = .eventDriven
    /// Create a missing topic (with the group's partitions) before its first event. Default: true.
    public var createTopics = true
    /// Accept events for PacketFlow's own topics (the control topic, registries, bond,
    /// dead-letter, state and connector topics: `pf.*` but a molecule's `pf.NAME.input`, and
    /// `__*`). Default: false: whoever can post could otherwise scale, pause or redeploy stages
    /// and forge packets in the middle of a molecule.
    public var allowsInternalTopics = false

    /// Every default.
    public init() {}
}
