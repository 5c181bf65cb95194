/// How ``JSONValue/serialize(into:style:)`` lays out its output.
public enum JSONOutputStyle: Sendable, Hashable {
    /// No whitespace, keys in the object's order: the form for messages and JSON lines.
    case compact
    /// Two-space indentation and keys sorted by their UTF-8 bytes, for people and stable diffs.
    case pretty
}
