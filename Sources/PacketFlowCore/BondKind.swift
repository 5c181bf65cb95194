/// How two packets of a molecule relate.
///
/// The raw value is the word used in molecule files after the colon (`:ionic`).
public enum BondKind: String, CaseIterable, Sendable, Hashable, Codable {
    /// A completes before B starts: a topic hop between two stages.
    case ionic
    /// A and B share resources: fused into one stage, one worker, scaled together.
    case covalent
    /// A and B run independently but share state through a state store.
    case metallic
    /// A and B prefer to run on the same machine; a placement hint only.
    case weak
}

extension BondKind: CustomStringConvertible {
    public var description: String { rawValue }
}
