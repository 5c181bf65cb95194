/// A molecule as declared: its packets, bonds, sources, sinks and per-stage overrides.
public struct MoleculeDeclaration: Sendable, Hashable {
    /// One entry of `composition`.
    public struct Member: Sendable, Hashable {
        /// The packet's name.
        public var name: String
        /// Where it is written.
        public var location: SourceLocation

        /// Creates a member.
        public init(name: String, location: SourceLocation) {
            self.name = name
            self.location = location
        }
    }

    /// One entry of `overrides`: settings for one packet in this molecule only.
    public struct Override: Sendable, Hashable {
        /// The packet whose settings are overridden.
        public var packet: String
        /// The overriding values.
        public var settings: PacketSettings
        /// Where the packet's name is written.
        public var location: SourceLocation

        /// Creates an override.
        public init(packet: String, settings: PacketSettings, location: SourceLocation) {
            self.packet = packet
            self.settings = settings
            self.location = location
        }
    }

    /// The molecule's name; it prefixes every topic and group the plan creates.
    public var name: String
    /// The packets, in the order written.
    public var composition: [Member]
    /// The bonds, in the order written.
    public var bonds: [BondDeclaration]
    /// Where events come from; empty means the implicit `pf.<molecule>.input` topic.
    public var sources: [EndpointDeclaration]
    /// Where results go; empty means the implicit `pf.<molecule>.output` topic.
    public var sinks: [EndpointDeclaration]
    /// Per-packet overrides, in the order written.
    public var overrides: [Override]
    /// Where the molecule's name is.
    public var location: SourceLocation

    /// Creates a molecule declaration.
    public init(
        name: String, composition: [Member], bonds: [BondDeclaration] = [],
        sources: [EndpointDeclaration] = [], sinks: [EndpointDeclaration] = [],
        overrides: [Override] = [], location: SourceLocation
    ) {
        self.name = name
        self.composition = composition
        self.bonds = bonds
        self.sources = sources
        self.sinks = sinks
        self.overrides = overrides
        self.location = location
    }
}
