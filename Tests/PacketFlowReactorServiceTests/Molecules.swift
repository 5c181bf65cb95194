/// Molecule sources the tests deploy.
enum Molecules {
    /// Two data-flow stages forwarding every packet to the output; the first scales 1...4 over 4 partitions.
    static let relay = """
        packet RelayPacket { group: DF, handler: builtin("forward"), scale: { min: 1, max: 4 }, partitions: 4 }
        packet SinkPacket { group: DF, handler: builtin("forward") }
        molecule Relay {
          composition: [RelayPacket, SinkPacket],
          bonds: [ {RelayPacket, SinkPacket, :ionic} ]
        }
        """

    /// A molecule with an unknown packet in its composition.
    static let malformed = """
        packet RelayPacket { group: DF, handler: builtin("forward") }
        molecule Broken {
          composition: [RelayPacket, MissingPacket],
          bonds: [ {RelayPacket, MissingPacket, :ionic} ]
        }
        """
}
