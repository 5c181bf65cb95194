import PacketFlowCore
import PacketFlowJSON

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

    /// The field of each event that names the event (not the entity it is about: two updates
    /// of one order need two ids), e.g. `event_id` or `meta.id`: the event's
    /// packet id becomes `ingest:TOPIC:VALUE`, the same whichever request carries the event and
    /// however often, so a retried or repeated post publishes the same id and an idempotent sink
    /// writes the event once. A request with an event that lacks the field (or whose value is
    /// an object, array, null, or a string over 200 bytes or with control characters) gets 400
    /// and publishes nothing. Takes precedence over the
    /// `Idempotency-Key` header. Default: nil (ids from the header, else fresh).
    public var idField: JSONPath?

    /// Every default.
    public init() {}
}
