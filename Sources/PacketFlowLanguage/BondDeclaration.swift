import PacketFlowCore

/// One bond of a molecule: `{ValidatePacket, ComputePacket, :ionic}`.
public struct BondDeclaration: Sendable, Hashable {
    /// The first packet; for ionic and covalent bonds, the one that runs first.
    public var from: String
    /// The second packet.
    public var to: String
    /// How the two relate.
    public var kind: BondKind
    /// Where the bond's opening brace is.
    public var location: SourceLocation
    /// Where each name is, for diagnostics about one end.
    public var fromLocation: SourceLocation
    /// Where the second name is.
    public var toLocation: SourceLocation

    /// Creates a bond.
    public init(
        from: String, to: String, kind: BondKind, location: SourceLocation,
        fromLocation: SourceLocation, toLocation: SourceLocation
    ) {
        self.from = from
        self.to = to
        self.kind = kind
        self.location = location
        self.fromLocation = fromLocation
        self.toLocation = toLocation
    }
}
