import PacketFlowCore
import PacketFlowJSON

/// The JSON-lines protocol between the worker and an `exec` handler program.
///
/// One request per line on the program's stdin:
/// `{"id":"7","packet":{"id":"01J...","kind":"ComputePacket","group":"DF","key":"a","attempt":1,"payload":{...}}}`.
/// One response per line on its stdout, in any order, matched by `id`:
/// `{"id":"7","outputs":[{...},{...}]}` (each output is a payload; `[]` consumes the packet) or
/// `{"id":"7","error":"why"}` (the attempt fails and is retried). docs/handlers.md is the
/// reference for program authors.
public enum ExecProtocol {
    /// The request line (without its line break) asking the program to handle `packet`.
    public static func request(id: String, packet: Packet) throws -> [UInt8] {
        let payload = try JSON.parse(packet.payload)
        var fields: JSONObject = [
            "id": .string(packet.id.rawValue),
            "kind": .string(packet.kind),
            "group": .string(packet.group.symbol),
            "attempt": .integer(Int64(packet.attempt)),
        ]
        _ = fields.updateValue(packet.key.map { .string(String(decoding: $0, as: UTF8.self)) } ?? .null, forKey: "key")
        _ = fields.updateValue(payload, forKey: "payload")
        let request: JSONValue = ["id": .string(id), "packet": .object(fields)]
        return try request.serialized()
    }

    /// A response line read back: which request it answers and its outputs or error.
    public struct Response: Sendable, Hashable {
        /// The request id it answers.
        public var id: String
        /// The output payloads, each serialized; or the program's error text.
        public var result: Result<[[UInt8]], HandlerFailure>
    }

    /// An error value a program answered with.
    public struct HandlerFailure: Error, Sendable, Hashable, CustomStringConvertible {
        /// The program's words.
        public var description: String

        /// Creates a failure with the program's words.
        public init(description: String) {
            self.description = description
        }
    }

    /// Reads one response line; throws ``RuntimeError`` (`execFailed`) for anything else.
    public static func response(_ line: String) throws -> Response {
        let value: JSONValue
        do {
            value = try JSON.parse(line)
        } catch {
            throw RuntimeError(.execFailed, "exec handler wrote a line that is not JSON (\(error)): \(line.prefix(200))")
        }
        guard let id = value["id"]?.stringValue ?? value["id"]?.int64Value.map(String.init) else {
            throw RuntimeError(.execFailed, "exec handler response lacks a string \"id\": \(line.prefix(200))")
        }
        if let error = value["error"], !error.isNull {
            return Response(id: id, result: .failure(HandlerFailure(description: error.stringValue ?? error.description)))
        }
        guard let outputs = value["outputs"]?.arrayValue else {
            throw RuntimeError(.execFailed, "exec handler response \(id) has neither \"outputs\" (an array) nor \"error\": \(line.prefix(200))")
        }
        return Response(id: id, result: .success(try outputs.map { try $0.serialized() }))
    }
}
