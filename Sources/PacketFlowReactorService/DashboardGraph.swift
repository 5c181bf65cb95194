/// A molecule as the web page draws it: packets (nodes, coloured by group, placed by stage)
/// and bonds (edges, styled by kind).
public struct DashboardGraph: Sendable, Hashable, Codable {
    /// A packet of the molecule.
    public struct Packet: Sendable, Hashable, Codable {
        /// The packet's name.
        public var name: String
        /// Its group symbol: CF, DF, ED, CO, MC or RM.
        public var group: String
        /// The stage it runs in (covalent packets share one).
        public var stage: String
    }

    /// A bond between two packets.
    public struct Bond: Sendable, Hashable, Codable {
        /// The first packet.
        public var from: String
        /// The second packet.
        public var to: String
        /// ionic, covalent, metallic or weak.
        public var kind: String
    }

    /// The molecule's name.
    public var molecule: String
    /// Its packets, in stage order.
    public var packets: [Packet]
    /// Its bonds, as declared.
    public var bonds: [Bond]
}
