import Foundation
import PacketFlowLanguage

/// A molecule the reactor runs: its source text and the plan made from it.
///
/// This is the value of a registry record (JSON: `name`, `sourceName`, `source`, `plan`,
/// `manualReplicas`).
/// Molecules are deployed as one self-contained file: imports are not resolved by the reactor.
public struct DeployedMolecule: Sendable, Hashable, Codable {
    /// The molecule's name (the registry key).
    public var name: String
    /// The file name the source was deployed from, for diagnostics and the worker's copy.
    public var sourceName: String
    /// The molecule file's text.
    public var source: String
    /// The topology plan made from ``source`` at deploy time.
    public var plan: TopologyPlan
    /// Stages pinned by `packetflow scale`, with their replicas; kept here so a restarted
    /// reactor keeps obeying them. Nil or empty: every stage is autoscaled.
    public var manualReplicas: [String: Int]?

    /// Creates a record.
    public init(
        name: String, sourceName: String, source: String, plan: TopologyPlan, manualReplicas: [String: Int]? = nil
    ) {
        self.name = name
        self.sourceName = sourceName
        self.source = source
        self.plan = plan
        self.manualReplicas = manualReplicas
    }

    /// Checks and plans `source`; throws ``ReactorError`` (`invalidMolecule`) with the rendered
    /// diagnostics when it has errors, so nothing is deployed.
    ///
    /// `molecule` picks one of several molecules in the file; with nil the file must declare one.
    public static func make(source: String, sourceName: String = "molecule.pf", molecule: String? = nil) throws(ReactorError)
        -> DeployedMolecule
    {
        let program = MoleculeProgram.parse(source, name: sourceName)
        do {
            let plan = try program.plan(molecule: molecule)
            return DeployedMolecule(name: plan.molecule, sourceName: sourceName, source: source, plan: plan)
        } catch {
            throw ReactorError(.invalidMolecule, error.message, diagnostics: program.renderedDiagnostics())
        }
    }

    /// The record's JSON bytes, keys sorted.
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(self))
    }

    /// Reads a record written by ``encoded()``.
    public static func decode(_ bytes: [UInt8]) throws -> DeployedMolecule {
        try JSONDecoder().decode(DeployedMolecule.self, from: Data(bytes))
    }
}
