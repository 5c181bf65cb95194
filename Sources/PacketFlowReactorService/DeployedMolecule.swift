import Foundation
import PacketFlowLanguage

/// A molecule the reactor runs: its source text and the plan made from it.
///
/// This is the value of a registry record (JSON: `name`, `sourceName`, `source`, `imports`,
/// `plan`, `manualReplicas`, `pausedStages`). A molecule that imports other files carries
/// them in `imports`, by their path relative to the same folder as `sourceName`, so the
/// reactor (and a restarted one) can lay them out for its workers.
public struct DeployedMolecule: Sendable, Hashable, Codable {
    /// The molecule's name (the registry key).
    public var name: String
    /// The file name the source was deployed from, for diagnostics and the worker's copy.
    public var sourceName: String
    /// The molecule file's text.
    public var source: String
    /// The files the molecule file imports (transitively), by path relative to the folder
    /// ``sourceName`` is relative to; nil for a self-contained file.
    public var imports: [String: String]?
    /// The topology plan made from ``source`` at deploy time.
    public var plan: TopologyPlan
    /// Stages pinned by `packetflow scale`, with their replicas; kept here so a restarted
    /// reactor keeps obeying them. Nil or empty: every stage is autoscaled.
    public var manualReplicas: [String: Int]?
    /// Stages paused (a dead-letter storm downstream, `packetflow pause`), with the reason;
    /// kept here so a restarted reactor still shows them paused. Nil or empty: none.
    public var pausedStages: [String: String]?

    /// Creates a record.
    public init(
        name: String, sourceName: String, source: String, imports: [String: String]? = nil, plan: TopologyPlan,
        manualReplicas: [String: Int]? = nil
    ) {
        self.name = name
        self.sourceName = sourceName
        self.source = source
        self.imports = imports
        self.plan = plan
        self.manualReplicas = manualReplicas
    }

    /// Checks and plans `source`, a self-contained file; see ``make(bundle:molecule:)``.
    public static func make(source: String, sourceName: String = "molecule.pf", molecule: String? = nil) throws(ReactorError)
        -> DeployedMolecule
    {
        try make(bundle: MoleculeBundle(root: sourceName, files: [sourceName: source]), molecule: molecule)
    }

    /// Checks and plans the bundle's root file with its imports read from the bundle alone;
    /// throws ``ReactorError`` (`invalidMolecule`) with the rendered diagnostics when it has
    /// errors (an import missing from the bundle included), or when a path would leave the
    /// bundle's folder, so nothing is deployed.
    ///
    /// `molecule` picks one of several molecules in the file; with nil the file must declare one.
    public static func make(bundle: MoleculeBundle, molecule: String? = nil) throws(ReactorError) -> DeployedMolecule {
        if let path = bundle.escapingPath {
            throw ReactorError(.invalidMolecule, "molecule file path \"\(path)\" leaves the molecule's folder")
        }
        guard let source = bundle.rootText else {
            throw ReactorError(.invalidMolecule, "the molecule's files lack its root file \(bundle.root)")
        }
        let program = MoleculeProgram.parse(source, name: bundle.root, loader: InMemorySourceLoader(bundle.files))
        do {
            let plan = try program.plan(molecule: molecule)
            return DeployedMolecule(
                name: plan.molecule, sourceName: bundle.root, source: source, imports: bundle.imports, plan: plan)
        } catch {
            throw ReactorError(.invalidMolecule, error.message, diagnostics: program.renderedDiagnostics())
        }
    }

    /// Throws ``ReactorError`` (`invalidMolecule`) unless the files land inside the molecule's
    /// folder: a name that is a molecule identifier, and no path leaving the bundle's folder.
    /// ``make(bundle:molecule:)`` ensures both; a record read back from the registry is checked
    /// again before anything is written.
    public func checkPaths() throws(ReactorError) {
        guard MoleculeProgram.isIdentifier(name) else {
            throw ReactorError(.invalidMolecule, "molecule name \"\(name)\" is not an identifier")
        }
        if let path = bundle.escapingPath {
            throw ReactorError(.invalidMolecule, "molecule file path \"\(path)\" leaves the molecule's folder")
        }
    }

    /// The root file and its imports.
    public var bundle: MoleculeBundle {
        MoleculeBundle(root: sourceName, files: (imports ?? [:]).merging([sourceName: source]) { _, root in root })
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
