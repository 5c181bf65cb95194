/// One molecule file as the workers need it in their pods: its path and its text.
///
/// The generator puts every file of a molecule (the root and its imports) into one
/// ConfigMap mounted at ``KubernetesManifestGenerator/moleculeMountPath``, laid out relative to
/// their deepest common folder so that imports resolve in the pod as they do on disk.
public struct MoleculeSourceFile: Sendable, Hashable {
    /// The path the file was read from, as the language names it (`examples/pipeline.pf`).
    public var path: String
    /// The file's text.
    public var text: String

    /// Creates a source file.
    public init(path: String, text: String) {
        self.path = path
        self.text = text
    }
}
