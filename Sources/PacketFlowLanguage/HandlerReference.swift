/// What runs a packet: a Swift handler, an external command, or a built-in.
public enum HandlerReference: Sendable, Hashable, Codable {
    /// A handler registered in Swift under this name: `swift("validate")`.
    case swift(String)
    /// A command run per packet, payload on stdin and result on stdout: `exec("python3 compute.py")`.
    case exec(String)
    /// One of PacketFlow's own handlers: `builtin("log")`. See ``builtinNames``.
    case builtin(String)

    /// The built-in handlers the worker provides, the name before any `:` argument.
    ///
    /// `passthrough` (alias `forward`) passes the payload on unchanged, `log` logs it and
    /// passes it on, `drop` consumes it and produces nothing, `filter: CONDITION` passes on only
    /// matching payloads, `map: FIELDS` replaces the payload with a projection of it.
    public static let builtinNames = ["drop", "filter", "forward", "log", "map", "passthrough"]

    /// The built-ins that need an argument after `:` (`builtin("filter: amount > 10")`); the
    /// others take none.
    public static let builtinNamesTakingArgument = ["filter", "map"]

    /// A built-in's text split into its name and its argument after the first `:`, both
    /// trimmed; the argument is nil without a `:`.
    public static func builtinParts(_ text: String) -> (name: String, argument: String?) {
        func trimmed(_ part: Substring) -> String {
            guard let first = part.firstIndex(where: { $0 != " " }), let last = part.lastIndex(where: { $0 != " " }) else { return "" }
            return String(part[first...last])
        }
        guard let colon = text.firstIndex(of: ":") else { return (trimmed(text[...]), nil) }
        return (trimmed(text[..<colon]), trimmed(text[text.index(after: colon)...]))
    }

    /// The constructor word: "swift", "exec" or "builtin".
    public var kind: String {
        switch self {
        case .swift: "swift"
        case .exec: "exec"
        case .builtin: "builtin"
        }
    }

    /// The handler's name, command or built-in name.
    public var value: String {
        switch self {
        case .swift(let value), .exec(let value), .builtin(let value): value
        }
    }
}

extension HandlerReference: CustomStringConvertible {
    /// The handler as written in a molecule file: `exec("python3 compute.py")`.
    public var description: String { "\(kind)(\(MoleculeFormatter.quote(value)))" }
}

extension HandlerReference {
    private enum CodingKeys: String, CodingKey {
        case kind
        case value
    }

    /// Decodes `{"kind": "exec", "value": "python3 compute.py"}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let value = try container.decode(String.self, forKey: .value)
        switch try container.decode(String.self, forKey: .kind) {
        case "swift": self = .swift(value)
        case "exec": self = .exec(value)
        case "builtin": self = .builtin(value)
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: container, debugDescription: "unknown handler kind \(other)")
        }
    }

    /// Encodes as `{"kind": "exec", "value": "python3 compute.py"}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(value, forKey: .value)
    }
}
