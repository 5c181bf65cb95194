import Foundation
import PacketFlowDeploy
import Testing

/// The generated manifests and deploy/ checked by the tools Kubernetes and Compose users trust,
/// run as child processes: kubernetes-validate (Kubernetes' OpenAPI schemas, shipped offline),
/// check-jsonschema (KEDA's ScaledObject against deploy/schemas, Compose against the Compose
/// specification's schema) and hadolint (the Dockerfile).
@Suite("Schemas of the generated manifests and of deploy/")
struct SchemaValidationTests {
    static let deployFolder = DeployFixtures.repositoryRoot.appending(path: "deploy")
    static let scaledObjectSchema = deployFolder.appending(path: "schemas/keda-scaledobject.schema.json").path
    static let moleculeFiles = DeployFixtures.examples + ["deploy/compose/molecules/pipeline.pf"]

    /// Writes the manifests of `example` to a fresh folder; returns it and the files by kind.
    private func writeManifests(_ example: String, placement: KubernetesDeployConfiguration.PlacementEnforcement)
        throws -> (folder: URL, files: [String: [String]])
    {
        var configuration = KubernetesDeployConfiguration()
        configuration.placement = placement
        let folder = try DeployFixtures.temporaryFolder()
        var files: [String: [String]] = [:]
        for manifest in try DeployFixtures.manifests(example, configuration: configuration) {
            let path = folder.appending(path: manifest.fileName).path
            try manifest.yaml().write(toFile: path, atomically: true, encoding: .utf8)
            files[manifest.kind, default: []].append(path)
        }
        return (folder, files)
    }

    @Test("Generated Deployments and ConfigMaps pass Kubernetes' schemas, strictly",
          arguments: moleculeFiles, KubernetesDeployConfiguration.PlacementEnforcement.allCases)
    func kubernetesSchemas(example: String, placement: KubernetesDeployConfiguration.PlacementEnforcement) async throws {
        let (folder, files) = try writeManifests(example, placement: placement)
        defer { try? FileManager.default.removeItem(at: folder) }
        let paths = (files["Deployment"] ?? []) + (files["ConfigMap"] ?? [])
        #expect(paths.count >= 2)
        let outcome = try await ExternalValidator(tool: "kubernetes-validate").run(["--strict", "--no-warn"] + paths)
        #expect(outcome.exitCode == 0, "\(outcome.output)")
        #expect(outcome.output.components(separatedBy: " passed for resource ").count - 1 == paths.count, "\(outcome.output)")
    }

    @Test("Generated ScaledObjects pass the KEDA schema", arguments: moleculeFiles)
    func scaledObjectSchema(example: String) async throws {
        let (folder, files) = try writeManifests(example, placement: .preferred)
        defer { try? FileManager.default.removeItem(at: folder) }
        let paths = try #require(files["ScaledObject"])
        let outcome = try await ExternalValidator(tool: "check-jsonschema").run(["--schemafile", Self.scaledObjectSchema] + paths)
        #expect(outcome.exitCode == 0, "\(outcome.output)")
    }

    @Test("The KEDA schema rejects what KEDA would: a non-numeric target, fallback without AverageValue, an unknown field")
    func scaledObjectSchemaRejects() async throws {
        let manifests = try DeployFixtures.manifests("examples/processing-pipeline.pf")
        let yaml = try #require(manifests.first(kind: "ScaledObject", name: "processing-pipeline-compute-packet")).yaml()
        let broken = [
            yaml.replacingOccurrences(of: "targetValue: \"1\"", with: "targetValue: one"),
            yaml.replacingOccurrences(of: "metricType: AverageValue", with: "metricType: Value"),
            yaml.replacingOccurrences(of: "  pollingInterval: 15", with: "  pollingInterval: 15\n  replicas: 3"),
        ]
        let folder = try DeployFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (index, text) in broken.enumerated() {
            #expect(text != yaml)
            let path = folder.appending(path: "broken-\(index).yaml").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let outcome = try await ExternalValidator(tool: "check-jsonschema").run(["--schemafile", Self.scaledObjectSchema, path])
            #expect(outcome.exitCode != 0, "broken-\(index) passed: \(outcome.output)")
        }
    }

    @Test("The reactor's Kubernetes manifests pass Kubernetes' schemas, strictly")
    func reactorManifests() async throws {
        let folder = Self.deployFolder.appending(path: "kubernetes/reactor")
        let paths = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".yaml") }.sorted().map { folder.appending(path: $0).path }
        #expect(paths.count == 5)
        let outcome = try await ExternalValidator(tool: "kubernetes-validate").run(["--strict", "--no-warn"] + paths)
        #expect(outcome.exitCode == 0, "\(outcome.output)")
        for resource in ["namespace/packetflow", "serviceaccount/packetflow-reactor", "role/packetflow-reactor",
                         "rolebinding/packetflow-reactor", "configmap/packetflow-kafka", "deployment/packetflow-reactor",
                         "service/packetflow-reactor"] {
            #expect(outcome.output.contains("passed for resource \(resource) "), "\(resource): \(outcome.output)")
        }
    }

    @Test("The reactor's Service is where the ScaledObjects send KEDA")
    func reactorServiceMatchesTriggers() throws {
        let service = try String(contentsOf: Self.deployFolder.appending(path: "kubernetes/reactor/40-service.yaml"), encoding: .utf8)
        let endpoint = ReactorEndpoint(namespace: "packetflow")
        #expect(service.contains("name: \(endpoint.service)\n"))
        #expect(service.contains("namespace: \(endpoint.namespace)\n"))
        #expect(service.contains("port: \(endpoint.port)\n"))
    }

    @Test("The compose file passes the Compose specification's schema")
    func composeFile() async throws {
        let path = Self.deployFolder.appending(path: "compose/docker-compose.yml").path
        let outcome = try await ExternalValidator(tool: "check-jsonschema").run(["--builtin-schema", "vendor.compose-spec", path])
        #expect(outcome.exitCode == 0, "\(outcome.output)")
    }

    @Test("The compose file runs Kafka in KRaft mode, the reactor and a worker per stage of its molecule")
    func composeServices() throws {
        let text = try String(contentsOf: Self.deployFolder.appending(path: "compose/docker-compose.yml"), encoding: .utf8)
        #expect(text.contains("KAFKA_PROCESS_ROLES: broker,controller"))
        #expect(text.contains("command: [\"reactor\""))
        let (plan, _) = try DeployFixtures.example("deploy/compose/molecules/pipeline.pf")
        for stage in plan.stages {
            #expect(text.contains("\"--stage\", \"\(stage.name)\"]"), "no worker for \(stage.name)")
        }
    }

    @Test("The Dockerfile passes hadolint")
    func dockerfile() async throws {
        let path = Self.deployFolder.appending(path: "Dockerfile").path
        let outcome = try await ExternalValidator(tool: "hadolint").run([path])
        #expect(outcome.exitCode == 0, "\(outcome.output)")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("FROM swift:${SWIFT_VERSION}-${DEBIAN_RELEASE} AS build"))
        #expect(text.contains("FROM debian:${DEBIAN_RELEASE}-slim"))
        #expect(text.contains("librdkafka1 libjansson4"))
    }
}
