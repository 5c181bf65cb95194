/// A deployed molecule and the status of each stage: the "chemical imbalance" view.
public struct MoleculeStatus: Sendable, Hashable, Codable {
    /// The molecule.
    public var molecule: String
    /// The file it was deployed from.
    public var sourceName: String
    /// Its dead-letter topic.
    public var deadLetterTopic: String
    /// Records in the dead-letter topic.
    public var deadLetters: Int64
    /// The stages, in plan order.
    public var stages: [StageStatus]
}
