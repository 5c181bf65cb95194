import Foundation
import PacketFlowTestSupport
import Testing

/// `packetflow deploy` as a user runs it: the built binary as a child process.
@Suite("packetflow deploy --target kubernetes")
struct DeployCommandTests {
    static let example = DeployFixtures.repositoryRoot.appending(path: "examples/processing-pipeline.pf").path

    @Test("Writes one file per object to --out and says so")
    func writesFiles() async throws {
        let folder = try DeployFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let outcome = try await PacketFlowExecutable.run(["deploy", Self.example, "--target", "kubernetes", "--out", folder.path])
        #expect(outcome.exitCode == 0, "\(outcome.standardError)")
        #expect(outcome.standardOutput == "wrote 7 manifests of ProcessingPipeline to \(folder.path)\n")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(files == [
            "processing-pipeline-compute-packet.deployment.yaml", "processing-pipeline-compute-packet.scaledobject.yaml",
            "processing-pipeline-molecule.configmap.yaml",
            "processing-pipeline-save-packet.deployment.yaml", "processing-pipeline-save-packet.scaledobject.yaml",
            "processing-pipeline-validate-packet.deployment.yaml", "processing-pipeline-validate-packet.scaledobject.yaml",
        ])
    }

    @Test("Without --out prints one YAML stream with the options applied")
    func printsStream() async throws {
        let outcome = try await PacketFlowExecutable.run([
            "deploy", Self.example, "--target", "kubernetes", "--namespace", "shop", "--image", "registry.example/pf:1.2",
            "--placement", "required",
        ])
        #expect(outcome.exitCode == 0, "\(outcome.standardError)")
        #expect(outcome.standardOutput.components(separatedBy: "\n---\n").count == 7)
        #expect(outcome.standardOutput.contains("  namespace: shop\n"))
        #expect(outcome.standardOutput.contains("image: registry.example/pf:1.2\n"))
        #expect(outcome.standardOutput.contains("requiredDuringSchedulingIgnoredDuringExecution:"))
        #expect(outcome.standardOutput.contains("http://packetflow-reactor.shop.svc:8080/v1/molecules/ProcessingPipeline/stages/ComputePacket/desired-replicas"))
    }

    @Test("Bad input fails with one line and a non-zero exit", arguments: [
        (["--target", "kubernetes", "--namespace", "Not_A_Label"], "namespace"),
        (["--target", "helm"], "helm"),
        (["--target", "kubernetes", "--placement", "sometimes"], "sometimes"),
    ])
    func badInput(arguments: [String], mentioned: String) async throws {
        let outcome = try await PacketFlowExecutable.run(["deploy", Self.example] + arguments)
        #expect(outcome.exitCode != 0)
        #expect(outcome.standardError.contains(mentioned), "\(outcome.standardError)")
        #expect(!outcome.standardError.contains("Fatal error"))
    }

    @Test("A molecule with errors is not deployed")
    func invalidMolecule() async throws {
        let folder = try DeployFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appending(path: "broken.pf").path
        try "molecule Broken { composition: [Missing] }\n".write(toFile: file, atomically: true, encoding: .utf8)
        let outcome = try await PacketFlowExecutable.run(["deploy", file, "--target", "kubernetes"])
        #expect(outcome.exitCode != 0)
        #expect(outcome.standardOutput.isEmpty)
        #expect(outcome.standardError.contains("Missing"))
    }
}
