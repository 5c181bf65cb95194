import PacketFlowCore
import PacketFlowJSON
import PacketFlowLanguage

/// PacketFlow's own handlers, usable from a molecule file without writing code.
///
/// - `passthrough` (alias `forward`): hands the packet on unchanged.
/// - `log`: logs id, kind and payload at info level, then hands the packet on.
/// - `drop`: consumes the packet, produces nothing.
/// - `filter: CONDITION`: hands the packet on only when its JSON payload matches, see ``FieldFilter``.
/// - `map: FIELDS`: replaces the payload with a projection of it, see ``FieldMap``.
public enum BuiltinHandler {
    /// The names accepted before any `:` argument: the molecule checker's list.
    public static var names: [String] { HandlerReference.builtinNames }

    /// The handler for `builtin("text")`.
    ///
    /// Throws ``RuntimeError`` (`invalidBuiltin`) for an unknown name or an unreadable condition
    /// or projection, so a bad molecule fails when the worker starts rather than per packet.
    public static func handler(for text: String) throws -> PacketHandler {
        let (name, argument) = HandlerReference.builtinParts(text)
        switch name {
        case "passthrough", "forward":
            return { packet, _ in [packet] }
        case "log":
            return { packet, context in
                context.logger.info(
                    "packet",
                    metadata: [
                        "id": "\(packet.id)", "kind": "\(packet.kind)",
                        "payload": "\(String(decoding: packet.payload, as: UTF8.self))",
                    ])
                return [packet]
            }
        case "drop":
            return { _, _ in [] }
        case "filter":
            let filter = try FieldFilter(parsing: argument ?? "")
            return { packet, _ in filter.matches(try packet.json()) ? [packet] : [] }
        case "map":
            let map = try FieldMap(parsing: argument ?? "")
            return { packet, _ in [try packet.with(json: map.apply(to: try packet.json()))] }
        default:
            throw RuntimeError(
                .invalidBuiltin,
                "unknown built-in handler '\(text)': use one of \(names.joined(separator: ", ")) (filter and map take an argument after ':')")
        }
    }
}
