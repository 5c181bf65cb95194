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

    /// Every default.
    public init() {}
}
