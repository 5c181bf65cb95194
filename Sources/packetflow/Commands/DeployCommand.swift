import ArgumentParser
import Foundation
import PacketFlowDeploy
import PacketFlowLanguage
import PacketFlowReactorService

/// `packetflow deploy FILE [--target reactor|kubernetes]`: run a molecule on the reactor or beyond one machine.
///
/// Each target is one case of ``Target`` and one `run...` method; the options only one target
/// reads are grouped in its own `ParsableArguments` (``KubernetesOptions``).
struct DeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Deploy a molecule on the running reactor, or generate its Kubernetes manifests.",
        discussion: """
            --target reactor (the default) checks and plans the molecule here, then sends it, \
            with every file it imports, to the reactor at --reactor (bearer token: --token or \
            $PACKETFLOW_REACTOR_TOKEN), which creates its topics with the planned partitions, \
            records it in its registry and starts its workers. A molecule with errors prints its \
            diagnostics and deploys nothing.

            --target kubernetes writes, from the molecule's plan, a ConfigMap with the molecule's \
            files, and per stage a Deployment (resources from the packets, node affinity to the \
            group's placement class on the node label packetflow.dev/placement, pod affinity \
            for weak bonds, a grace period longer than the drain) and a KEDA ScaledObject whose \
            metrics-api trigger reads the reactor's desired replicas. Without --out the \
            manifests go to standard output as one YAML stream. docs/operations.md explains \
            every object.

            Example:
              packetflow deploy examples/processing-pipeline.pf --target kubernetes --out k8s/
              kubectl apply -f deploy/kubernetes/reactor/ -f k8s/
            """)

    /// Where a molecule is deployed.
    enum Target: String, ExpressibleByArgument, CaseIterable {
        /// The running reactor (`packetflow reactor`), which starts the workers.
        case reactor
        /// Kubernetes manifests (Deployments and KEDA ScaledObjects), written, not applied.
        case kubernetes
    }

    @Argument(help: "The molecule file (.pf).")
    var file: String

    @Option(help: "The molecule to deploy, when the file declares several.")
    var molecule: String?

    @Option(help: ArgumentHelp("Where to deploy: \(Target.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "target"))
    var target: Target = .reactor

    @Option(help: ArgumentHelp("A folder to write one file per object to, instead of standard output.", valueName: "dir"))
    var out: String?

    @OptionGroup(title: "Reactor")
    var reactor: ReactorOptions

    @OptionGroup(title: "Kubernetes")
    var kubernetes: KubernetesOptions

    func run() async throws {
        let program = try MoleculeProgram.load(path: file, loader: FileSystemSourceLoader())
        if !program.diagnostics.isEmpty {
            FileHandle.standardError.write(Data(program.renderedDiagnostics().utf8))
        }
        let plan = try program.plan(molecule: molecule)
        switch target {
        case .reactor:
            // The root and every file it imports, so the reactor can plan and run it as checked here.
            let bundle = MoleculeBundle(sources: program.sources, workingDirectory: FileManager.default.currentDirectoryPath)
            let summary = try await reactor.client().deploy(bundle: bundle, molecule: plan.molecule)
            print("deployed \(summary.molecule): \(summary.stages.joined(separator: ", ")) (\(summary.desiredReplicas) workers)")
        case .kubernetes:
            try runKubernetes(plan: plan, files: program.sources.map { MoleculeSourceFile(path: $0.name, text: $0.text) })
        }
    }

    private func runKubernetes(plan: TopologyPlan, files: [MoleculeSourceFile]) throws {
        let generator = KubernetesManifestGenerator(configuration: kubernetes.configuration())
        let manifests = try generator.manifests(for: plan, files: files)
        guard let out else {
            print(try KubernetesManifest.yamlStream(manifests), terminator: "")
            return
        }
        let folder = URL(fileURLWithPath: out, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for manifest in manifests {
                try Data(try manifest.yaml().utf8).write(to: folder.appending(path: manifest.fileName), options: .atomic)
            }
        } catch let error as DeployError {
            throw error
        } catch {
            throw DeployError(.writeFailed, "cannot write the manifests to \(out): \(error.localizedDescription)")
        }
        print("wrote \(manifests.count) manifests of \(plan.molecule) to \(out)")
    }
}

/// The options of `packetflow deploy --target kubernetes`.
struct KubernetesOptions: ParsableArguments {
    @Option(help: "The namespace of the workers, and of the reactor unless --reactor-namespace says otherwise.")
    var namespace: String = "packetflow"

    @Option(help: "The worker image: packetflow with the molecule's handlers.")
    var image: String = "packetflow:latest"

    @Option(help: ArgumentHelp("The containers' imagePullPolicy: Always, IfNotPresent or Never.", valueName: "policy"))
    var imagePullPolicy: String = "IfNotPresent"

    @Option(help: ArgumentHelp(
        "preferred: labelled nodes first, any node if none fits; required: only nodes labelled packetflow.dev/placement=<class>.",
        valueName: "preferred|required"))
    var placement: KubernetesDeployConfiguration.PlacementEnforcement = .preferred

    @Option(help: "The namespace of the reactor's Service packetflow-reactor. Default: --namespace.")
    var reactorNamespace: String?

    @Option(help: "The ConfigMap with the Kafka connection (PACKETFLOW_BOOTSTRAP, ...), read as environment.")
    var kafkaConfigMap: String = "packetflow-kafka"

    @Option(help: "The optional Secret with Kafka credentials (PACKETFLOW_SASL_PASSWORD, ...), read as environment.")
    var kafkaSecret: String = "packetflow-kafka-credentials"

    func configuration() -> KubernetesDeployConfiguration {
        var configuration = KubernetesDeployConfiguration(namespace: namespace)
        configuration.image = image
        configuration.imagePullPolicy = imagePullPolicy
        configuration.placement = placement
        configuration.reactor = ReactorEndpoint(namespace: reactorNamespace ?? namespace)
        configuration.kafkaConfigMap = kafkaConfigMap
        configuration.kafkaSecret = kafkaSecret
        return configuration
    }
}

extension KubernetesDeployConfiguration.PlacementEnforcement: ExpressibleByArgument {}
