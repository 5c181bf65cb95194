import Yams

extension ManifestValue {
    /// The value as one YAML document (block style, two-space indent, keys in written order).
    ///
    /// Strings that YAML would read as another type (`"1"`, `"true"`, `"null"`, `"0.5"`) are
    /// double-quoted; multi-line strings are written as literal blocks (`|`).
    public func yaml() throws(DeployError) -> String {
        do {
            return try Yams.serialize(node: node, indent: 2, width: -1, allowUnicode: true)
        } catch {
            throw DeployError(.writeFailed, "cannot write a manifest as YAML: \(error)")
        }
    }

    /// Words YAML 1.1 readers (Kubernetes' among them) take for booleans or null.
    private static let yaml11Words: Set<String> = ["y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"]

    var node: Node {
        switch self {
        case .string(let text):
            if text.contains("\n") {
                return .scalar(Node.Scalar(text, Tag(.str), .literal))
            }
            if text.isEmpty || Resolver.default.resolveTag(of: Node(text)) != .str
                || Self.yaml11Words.contains(text.lowercased())
            {
                return .scalar(Node.Scalar(text, Tag(.str), .doubleQuoted))
            }
            return .scalar(Node.Scalar(text, Tag(.str), .any))
        case .integer(let number):
            return .scalar(Node.Scalar(String(number), Tag(.int), .plain))
        case .boolean(let flag):
            return .scalar(Node.Scalar(flag ? "true" : "false", Tag(.bool), .plain))
        case .list(let items):
            return .sequence(Node.Sequence(items.map(\.node), Tag(.seq), .block))
        case .object(let fields):
            return .mapping(Node.Mapping(fields.map { (ManifestValue.string($0.key).node, $0.value.node) }, Tag(.map), .block))
        }
    }
}
