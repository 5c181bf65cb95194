import Logging
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
///
/// Each is a ``Step`` over a payload's bytes: a stage whose handlers are all built-ins runs
/// them over the records as they came (``BuiltinChain``), and a built-in chained with Swift or
/// exec handlers runs as a ``PacketHandler``.
public enum BuiltinHandler {
    /// The names accepted before any `:` argument: the molecule checker's list.
    public static var names: [String] { HandlerReference.builtinNames }

    /// What a built-in does to a payload. None fails on a payload that is JSON, which the
    /// worker checks before any handler runs.
    enum Step: Sendable {
        case pass
        case log
        case drop
        case filter(FieldFilter)
        case map(FieldMap)
    }

    /// The step for `builtin("text")`.
    ///
    /// Throws ``RuntimeError`` (`invalidBuiltin`) for an unknown name or an unreadable condition
    /// or projection, so a bad molecule fails when the worker starts rather than per packet.
    static func step(for text: String) throws -> Step {
        let (name, argument) = HandlerReference.builtinParts(text)
        switch name {
        case "passthrough", "forward": return .pass
        case "log": return .log
        case "drop": return .drop
        case "filter": return .filter(try FieldFilter(parsing: argument ?? ""))
        case "map": return .map(try FieldMap(parsing: argument ?? ""))
        default:
            throw RuntimeError(
                .invalidBuiltin,
                "unknown built-in handler '\(text)': use one of \(names.joined(separator: ", ")) (filter and map take an argument after ':')")
        }
    }

    /// The handler for `builtin("text")`; throws as ``step(for:)``.
    public static func handler(for text: String) throws -> PacketHandler {
        switch try step(for: text) {
        case .pass:
            return { packet, _ in [packet] }
        case .log:
            return { packet, context in
                log(id: packet.id.rawValue, kind: packet.kind, payload: packet.payload, context.logger)
                return [packet]
            }
        case .drop:
            return { _, _ in [] }
        case .filter(let filter):
            return { packet, _ in filter.matches(try packet.json()) ? [packet] : [] }
        case .map(let map):
            return { packet, _ in [try packet.with(json: map.apply(to: try packet.json()))] }
        }
    }

    /// What `log` writes.
    static func log(id: @autoclosure () -> String, kind: @autoclosure () -> String, payload: @autoclosure () -> [UInt8], _ logger: Logger) {
        logger.info(
            "packet",
            metadata: ["id": "\(id())", "kind": "\(kind())", "payload": "\(String(decoding: payload(), as: UTF8.self))"])
    }
}
