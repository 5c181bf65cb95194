import Logging
import PacketFlowJSON
import PacketFlowLanguage

/// A stage's covalent chain when every handler is a built-in: run over a payload's bytes, so
/// the worker hands records on as they came instead of decoding each into a ``Packet``.
///
/// Built-ins never wait and never fail on a payload that is JSON (the worker checks that
/// first), so a chain needs no retries, timeouts or tasks: it runs inline in the fetch loop,
/// which also keeps every partition's order for ordered stages.
struct BuiltinChain: Sendable {
    private let steps: [(packet: String, step: BuiltinHandler.Step)]

    /// What the chain made of a payload.
    enum Outcome {
        /// A step consumed it: no output.
        case dropped
        /// The payload goes on as it came.
        case unchanged
        /// The payload goes on as these bytes.
        case replaced([UInt8])
    }

    /// The chain of `packets`, or nil when any of their handlers is not a built-in.
    ///
    /// Throws ``RuntimeError`` (`invalidBuiltin`) for a built-in that cannot be read.
    init?(_ packets: [StagePacket]) throws {
        var steps: [(packet: String, step: BuiltinHandler.Step)] = []
        for packet in packets {
            guard case .builtin(let text) = packet.handler else { return nil }
            steps.append((packet.name, try BuiltinHandler.step(for: text)))
        }
        self.steps = steps
    }

    /// Runs the steps over `payload`, a JSON document; `id` names the packet in `log` lines.
    func apply(to payload: UnsafeRawBufferPointer, id: () -> String, logger: Logger) throws -> Outcome {
        var replaced: [UInt8]?
        for (packet, step) in steps {
            switch step {
            case .pass:
                continue
            case .log:
                BuiltinHandler.log(id: id(), kind: packet, payload: replaced ?? Array(payload), logger)
            case .drop:
                return .dropped
            case .filter(let filter):
                let document = try replaced.map { try JSON.parse($0) } ?? JSON.parse(payload)
                if !filter.matches(document) { return .dropped }
            case .map(let map):
                let document = try replaced.map { try JSON.parse($0) } ?? JSON.parse(payload)
                replaced = try map.apply(to: document).serialized()
            }
        }
        return replaced.map(Outcome.replaced) ?? .unchanged
    }
}
