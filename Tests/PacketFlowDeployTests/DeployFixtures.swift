import Foundation
import PacketFlowDeploy
import PacketFlowLanguage

/// Paths, example molecules and generated manifests the deploy tests share.
enum DeployFixtures {
    /// The repository's root folder, found from this file's path.
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The example molecules every manifest test runs over.
    static let examples = ["examples/processing-pipeline.pf", "examples/order-fulfilment.pf"]

    /// The plan and files of the example at `relativePath`.
    static func example(_ relativePath: String) throws -> (plan: TopologyPlan, files: [MoleculeSourceFile]) {
        let program = try MoleculeProgram.load(
            path: repositoryRoot.appending(path: relativePath).path, loader: FileSystemSourceLoader())
        return (try program.plan(), program.sources.map { MoleculeSourceFile(path: $0.name, text: $0.text) })
    }

    /// The manifests of the example at `relativePath` with `configuration`.
    static func manifests(
        _ relativePath: String, configuration: KubernetesDeployConfiguration = KubernetesDeployConfiguration()
    ) throws -> [KubernetesManifest] {
        let (plan, files) = try example(relativePath)
        return try KubernetesManifestGenerator(configuration: configuration).manifests(for: plan, files: files)
    }

    /// The plan and files of a molecule given as text, named `main.pf`.
    static func program(_ text: String) throws -> (plan: TopologyPlan, files: [MoleculeSourceFile]) {
        let program = MoleculeProgram.parse(text, name: "main.pf")
        return (try program.plan(), program.sources.map { MoleculeSourceFile(path: $0.name, text: $0.text) })
    }

    /// A fresh temporary folder, removed by the caller.
    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appending(path: "packetflow-deploy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}

extension [KubernetesManifest] {
    /// The manifest of `kind` named `name`.
    func first(kind: String, name: String) -> KubernetesManifest? {
        first { $0.kind == kind && $0.name == name }
    }
}
