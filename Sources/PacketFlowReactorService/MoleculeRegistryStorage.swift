/// Where the reactor keeps its deployed molecules so a restarted reactor finds them again.
///
/// ``KafkaMoleculeRegistry`` is the real one (a compacted topic); tests use an in-memory one.
public protocol MoleculeRegistryStorage: Sendable {
    /// Every deployed molecule, by name: the state after replaying all records.
    func load() async throws -> [String: DeployedMolecule]
    /// Records `molecule` as deployed (replacing an earlier version of the same name).
    func write(_ molecule: DeployedMolecule) async throws
    /// Records that the molecule `name` is no longer deployed.
    func remove(_ name: String) async throws
}
