/// The tunable settings of a packet: declared on the packet, overridable per molecule.
///
/// `nil` means "not declared": the plan then takes the value from the packet's group
/// (its row of the periodic table) or from the packet's own declaration.
public struct PacketSettings: Sendable, Hashable {
    /// Partitions of the topics this packet consumes. Must be at least 1.
    public var partitions: Int?
    /// Lower replica bound.
    public var scaleMin: Int?
    /// Upper replica bound.
    public var scaleMax: Int?
    /// Retries after the first attempt before the dead-letter topic.
    public var retries: Int?
    /// Longest a handler call may take.
    public var timeout: Duration?
    /// Handler calls one worker runs at once.
    public var concurrency: Int?
    /// Copies of an exec handler's program one worker runs (requests go to the least busy).
    public var instances: Int?
    /// Collective (CO) packets: the members a correlation group waits for before it leaves.
    public var quorum: Int?
    /// Collective (CO) packets: how long a group waits for its quorum before it leaves
    /// incomplete.
    public var window: Duration?

    /// Creates settings with nothing declared.
    public init(
        partitions: Int? = nil, scaleMin: Int? = nil, scaleMax: Int? = nil,
        retries: Int? = nil, timeout: Duration? = nil, concurrency: Int? = nil, instances: Int? = nil,
        quorum: Int? = nil, window: Duration? = nil
    ) {
        self.partitions = partitions
        self.scaleMin = scaleMin
        self.scaleMax = scaleMax
        self.retries = retries
        self.timeout = timeout
        self.concurrency = concurrency
        self.instances = instances
        self.quorum = quorum
        self.window = window
    }

    /// These settings with every declared value of `overrides` taking precedence.
    public func overridden(by overrides: PacketSettings) -> PacketSettings {
        PacketSettings(
            partitions: overrides.partitions ?? partitions,
            scaleMin: overrides.scaleMin ?? scaleMin,
            scaleMax: overrides.scaleMax ?? scaleMax,
            retries: overrides.retries ?? retries,
            timeout: overrides.timeout ?? timeout,
            concurrency: overrides.concurrency ?? concurrency,
            instances: overrides.instances ?? instances,
            quorum: overrides.quorum ?? quorum,
            window: overrides.window ?? window)
    }
}
