/// A unit of work: one Kafka message whose headers carry its group and metadata.
///
/// The payload is JSON bytes (validated by the JSON module where it enters the system);
/// everything else is metadata that travels in `pf-` headers as described in
/// docs/wire-format.md and encoded by ``PacketWireFormat``.
public struct Packet: Sendable, Hashable {
    /// Unique, sortable identity; kept across retries and redeliveries.
    public var id: PacketID
    /// The group that decides how this packet is handled.
    public var group: PacketGroup
    /// The packet type's name, e.g. "ValidatePacket" or, for foreign events, the topic's name.
    public var kind: String
    /// The molecule this packet travels in, when inside one.
    public var molecule: String?
    /// The stage of that molecule the packet is addressed to.
    public var stage: String?
    /// The Kafka key: packets with equal keys land on one partition and keep their order.
    public var key: [UInt8]?
    /// The JSON payload.
    public var payload: [UInt8]
    /// Relative computational cost, 1 being an ordinary packet.
    public var cost: Double?
    /// CPU and memory the packet needs.
    public var resources: ResourceRequirements
    /// Larger runs first where a stage can choose.
    public var priority: Int?
    /// Milliseconds since the Unix epoch after which the packet is worthless.
    public var deadlineMilliseconds: Int64?
    /// 1 for the first try; the runtime increments it on every retry.
    public var attempt: Int
    /// W3C trace context.
    public var trace: TraceContext?
    /// Milliseconds since the Unix epoch when the packet was created (the Kafka timestamp).
    public var createdMilliseconds: Int64
    /// Headers that are not PacketFlow's own, kept in order and passed along.
    public var otherHeaders: [PacketHeader]

    /// Creates a packet; `id` and creation time default to a new ULID and now.
    public init(
        id: PacketID = .generate(),
        group: PacketGroup,
        kind: String,
        molecule: String? = nil,
        stage: String? = nil,
        key: [UInt8]? = nil,
        payload: [UInt8],
        cost: Double? = nil,
        resources: ResourceRequirements = .init(),
        priority: Int? = nil,
        deadlineMilliseconds: Int64? = nil,
        attempt: Int = 1,
        trace: TraceContext? = nil,
        createdMilliseconds: Int64? = nil,
        otherHeaders: [PacketHeader] = []
    ) {
        self.id = id
        self.group = group
        self.kind = kind
        self.molecule = molecule
        self.stage = stage
        self.key = key
        self.payload = payload
        self.cost = cost
        self.resources = resources
        self.priority = priority
        self.deadlineMilliseconds = deadlineMilliseconds
        self.attempt = attempt
        self.trace = trace
        self.createdMilliseconds = createdMilliseconds ?? PacketID.nowMilliseconds()
        self.otherHeaders = otherHeaders
    }

    /// True when the deadline has passed at `nowMilliseconds`.
    public func isExpired(atMilliseconds nowMilliseconds: Int64) -> Bool {
        deadlineMilliseconds.map { nowMilliseconds > $0 } ?? false
    }
}
