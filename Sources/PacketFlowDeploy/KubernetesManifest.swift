/// One Kubernetes object the generator made: its identity and its whole content.
///
/// ``value`` is the object as `kubectl apply` reads it, keys in a fixed order; ``yaml()``
/// writes it, ``fileName`` names the file `--out DIR` writes it to.
public struct KubernetesManifest: Sendable, Hashable {
    /// `apps/v1`, `v1`, `keda.sh/v1alpha1`.
    public var apiVersion: String
    /// `Deployment`, `ConfigMap`, `ScaledObject`.
    public var kind: String
    /// `metadata.name`: a DNS-1123 label.
    public var name: String
    /// The whole object, `apiVersion` and `kind` included.
    public var value: ManifestValue

    /// Creates a manifest.
    public init(apiVersion: String, kind: String, name: String, value: ManifestValue) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.value = value
    }

    /// `<name>.<kind in lower case>.yaml`, e.g. `processing-pipeline-compute-packet.deployment.yaml`.
    public var fileName: String { "\(name).\(kind.lowercased()).yaml" }

    /// The object as one YAML document.
    public func yaml() throws(DeployError) -> String {
        try value.yaml()
    }

    /// Several objects as one YAML stream, `---` between documents, in the given order.
    public static func yamlStream(_ manifests: [KubernetesManifest]) throws(DeployError) -> String {
        var documents: [String] = []
        for manifest in manifests { documents.append(try manifest.yaml()) }
        return documents.joined(separator: "---\n")
    }
}
