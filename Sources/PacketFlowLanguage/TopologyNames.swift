/// The names a plan gives Kafka topics, consumer groups and state stores.
///
/// Names depend only on the molecule's and packets' names, never on declaration order, so
/// redeploying the same molecule finds the same topics, offsets and state. Packet names hold
/// only letters, digits and `_`, so `-` and `.` separate parts unambiguously.
public enum TopologyNames {
    /// The prefix of every name: `pf`.
    public static let prefix = "pf"

    /// The topic of the ionic bond from `from` to `to`: `pf.<molecule>.<from>-<to>`.
    public static func bondTopic(molecule: String, from: String, to: String) -> String {
        "\(prefix).\(molecule).\(from)-\(to)"
    }

    /// The consumer group of a stage: `pf.<molecule>.<stage>`.
    public static func consumerGroup(molecule: String, stage: String) -> String {
        "\(prefix).\(molecule).\(stage)"
    }

    /// The molecule's dead-letter topic: `pf.<molecule>.dead-letter`.
    public static func deadLetterTopic(molecule: String) -> String {
        "\(prefix).\(molecule).dead-letter"
    }

    /// The state store (and its compacted changelog topic) of a metallic bond:
    /// `pf.<molecule>.state.<a>-<b>`, the two packets in alphabetical order.
    public static func stateStore(molecule: String, between a: String, and b: String) -> String {
        let (first, second) = a <= b ? (a, b) : (b, a)
        return "\(prefix).\(molecule).state.\(first)-\(second)"
    }

    /// The input topic of a molecule that declares no source: `pf.<molecule>.input`.
    public static func inputTopic(molecule: String) -> String {
        "\(prefix).\(molecule).input"
    }

    /// The output topic of a molecule that declares no sink: `pf.<molecule>.output`.
    public static func outputTopic(molecule: String) -> String {
        "\(prefix).\(molecule).output"
    }

    /// The topic a connector sink reads: `pf.<molecule>.connector.<name>`.
    public static func connectorTopic(molecule: String, connector: String) -> String {
        "\(prefix).\(molecule).connector.\(connector)"
    }
}
