import Logging
import PacketFlowCore
import PacketFlowLanguage
import Synchronization

/// The Swift handlers a process offers, by the name molecule files use in `swift("name")`.
///
/// Register before starting workers; a worker resolves its stage's handlers once at start and
/// fails with ``RuntimeError`` (`unknownHandler`) naming any that is missing. `exec` and
/// `builtin` handlers need no registration. Thread-safe.
///
/// ```swift
/// let handlers = HandlerRegistry()
/// handlers.register("validate") { packet, _ in
///     let order = try packet.json()
///     guard order["id"] != nil else { throw ValidationError.missingID }
///     return [packet]
/// }
/// ```
public final class HandlerRegistry: Sendable {
    private let handlers = Mutex<[String: PacketHandler]>([:])

    /// An empty registry.
    public init() {}

    /// Registers `handler` under `name`, replacing any handler registered under it before.
    public func register(_ name: String, _ handler: @escaping PacketHandler) {
        handlers.withLock { $0[name] = handler }
    }

    /// The handler registered under `name`.
    public func handler(named name: String) -> PacketHandler? {
        handlers.withLock { $0[name] }
    }

    /// The registered names, sorted.
    public var names: [String] { handlers.withLock { $0.keys.sorted() } }

    /// What runs `reference` for a stage whose calls time out after `timeout`; an exec handler
    /// runs `instances` copies of its program.
    func resolve(_ reference: HandlerReference, timeout: Duration, instances: Int = 1, logger: Logger) throws -> ResolvedHandler {
        switch reference {
        case .swift(let name):
            guard let handler = handler(named: name) else {
                let known = names.isEmpty ? "none are registered in this process" : "registered: \(names.joined(separator: ", "))"
                throw RuntimeError(
                    .unknownHandler,
                    "no Swift handler named \(name) (\(known)); Swift handlers run from your own executable built on the PacketFlow library (see examples/), the packetflow CLI runs exec and builtin handlers only")
            }
            return ResolvedHandler(call: handler, exec: nil, boundsItself: false)
        case .builtin(let text):
            return ResolvedHandler(call: try BuiltinHandler.handler(for: text), exec: nil, boundsItself: true)
        case .exec(let command):
            let exec = ExecHandler(command: command, timeout: timeout, instances: instances, logger: logger)
            return ResolvedHandler(call: { try await exec.handle($0, $1) }, exec: exec, boundsItself: true)
        }
    }
}

/// A stage packet's handler, ready to call; exec handlers also need their program running.
struct ResolvedHandler: Sendable {
    /// Calls the handler.
    var call: PacketHandler
    /// The program behind an exec handler.
    var exec: ExecHandler?
    /// Whether calls need no timeout from the runner: exec handlers enforce it themselves and
    /// built-ins never wait, which spares two tasks and a timer per packet on the hot path.
    var boundsItself: Bool
}
