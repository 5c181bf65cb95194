#if canImport(Glibc)
import Glibc
#endif
import PacketFlowCore
import PacketFlowJSON

/// The JSON-lines protocol between the worker and an `exec` handler program.
///
/// One request per line on the program's stdin:
/// `{"id":"7","packet":{"id":"01J...","kind":"ComputePacket","group":"DF","attempt":1,"key":"a","payload":{...}}}`.
/// One response per line on its stdout, in any order, matched by `id`:
/// `{"id":"7","outputs":[{...},{...}]}` (each output is a payload; `[]` consumes the packet) or
/// `{"id":"7","error":"why"}` (the attempt fails and is retried). docs/handlers.md is the
/// reference for program authors.
///
/// Payloads are not parsed on the worker's side: a request carries the packet's payload as it
/// came (already checked JSON), and a response's outputs are cut out of its line and only the
/// whitespace between their tokens dropped (outputs are compact JSON, as written otherwise).
public enum ExecProtocol {
    /// Appends the request line (with its line break) asking the program to handle `packet`
    /// under request number `id`.
    ///
    /// Throws `JSONError` when the payload is not JSON (a handler earlier in the chain made it).
    public static func appendRequest(id: UInt64, packet: Packet, to line: inout [UInt8]) throws {
        try packet.payload.withUnsafeBytes { payload in
            try Self.withOptionalBytes(packet.key) { key in
                try appendRequest(
                    id: id, packetID: packet.id.rawValue, kind: packet.kind, group: packet.group, attempt: packet.attempt, key: key,
                    payload: payload, to: &line)
            }
        }
    }

    /// Appends the request line for a packet given in parts, its key and payload as bytes (a
    /// record read in place); as ``appendRequest(id:packet:to:)`` otherwise.
    public static func appendRequest(
        id: UInt64, packetID: String, kind: String, group: PacketGroup, attempt: Int, key: UnsafeRawBufferPointer?,
        payload: UnsafeRawBufferPointer, to line: inout [UInt8]
    ) throws {
        try JSON.validate(payload)
        line.append(contentsOf: #"{"id":""#.utf8)
        line.append(contentsOf: String(id).utf8)
        line.append(contentsOf: #"","packet":{"id":"#.utf8)
        JSON.appendString(packetID, to: &line)
        line.append(contentsOf: #","kind":"#.utf8)
        JSON.appendString(kind, to: &line)
        line.append(contentsOf: #","group":""#.utf8)
        line.append(contentsOf: group.symbol.utf8)
        line.append(contentsOf: #"","attempt":"#.utf8)
        line.append(contentsOf: String(attempt).utf8)
        line.append(contentsOf: #","key":"#.utf8)
        if let key {
            JSON.appendString(String(decoding: key, as: UTF8.self), to: &line)
        } else {
            line.append(contentsOf: "null".utf8)
        }
        line.append(contentsOf: #","payload":"#.utf8)
        let start = line.count
        line.append(contentsOf: payload)
        // A raw line break in valid JSON is whitespace between tokens (strings cannot hold one):
        // a space means the same and keeps the request on one line.
        if let base = payload.baseAddress, memchr(base, Int32(UInt8(ascii: "\n")), payload.count) != nil {
            for index in start..<line.count where line[index] == UInt8(ascii: "\n") { line[index] = UInt8(ascii: " ") }
        }
        line.append(contentsOf: "}}\n".utf8)
    }

    private static func withOptionalBytes<Result>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) throws -> Result) rethrows -> Result {
        guard let bytes else { return try body(nil) }
        return try bytes.withUnsafeBytes { try body($0) }
    }

    /// The request line (without its line break) asking the program to handle `packet`.
    public static func request(id: UInt64, packet: Packet) throws -> [UInt8] {
        var line: [UInt8] = []
        try appendRequest(id: id, packet: packet, to: &line)
        line.removeLast()
        return line
    }

    /// A response line read back: which request it answers and its outputs or error.
    public struct Response: Sendable, Hashable {
        /// The request id it answers, as the program wrote it.
        public var id: String
        /// The output payloads, each as JSON bytes; or the program's error text.
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
        var line = line
        return try line.withUTF8 { try response(UnsafeRawBufferPointer($0)) }
    }

    /// Reads one response line given as bytes (without its line break).
    ///
    /// The outputs are cut out of the line and compacted; only a line whose keys carry escapes
    /// (which the fast reader declines) is parsed and written again.
    public static func response(_ line: UnsafeRawBufferPointer) throws -> Response {
        let members: [Range<Int>?]?
        do {
            members = try JSON.memberRanges(in: line, named: ["id", "outputs", "error"])
        } catch {
            throw RuntimeError(.execFailed, "exec handler wrote a line that is not JSON (\(error)): \(shown(line))")
        }
        guard let members else { return try parsedResponse(line) }
        func value(_ index: Int) -> UnsafeRawBufferPointer? {
            members[index].map { UnsafeRawBufferPointer(rebasing: line[$0]) }
        }
        guard let idBytes = value(0), let id = requestID(idBytes) else {
            throw RuntimeError(.execFailed, "exec handler response lacks a string \"id\": \(shown(line))")
        }
        if let error = value(2), !error.elementsEqual("null".utf8) {
            let text = (try? JSON.parse(error)).map { $0.stringValue ?? $0.description } ?? String(decoding: error, as: UTF8.self)
            return Response(id: id, result: .failure(HandlerFailure(description: text)))
        }
        guard let outputs = value(1), let elements = JSON.elementRanges(ofValidArray: outputs) else {
            throw RuntimeError(.execFailed, "exec handler response \(id) has neither \"outputs\" (an array) nor \"error\": \(shown(line))")
        }
        return Response(id: id, result: .success(elements.map { JSON.compacted(UnsafeRawBufferPointer(rebasing: outputs[$0])) }))
    }

    /// A request id as written: a string, or a number for programs that echo it as one.
    private static func requestID(_ bytes: UnsafeRawBufferPointer) -> String? {
        // The usual answer repeats the worker's own "<digits>": no parsing needed.
        let digits = bytes.count > 2 && bytes.first == UInt8(ascii: "\"") && bytes.last == UInt8(ascii: "\"")
            ? UnsafeRawBufferPointer(rebasing: bytes.dropFirst().dropLast()) : bytes
        if !digits.isEmpty, digits.count <= 19, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            return String(decoding: digits, as: UTF8.self)
        }
        guard let value = try? JSON.parse(bytes) else { return nil }
        return value.stringValue ?? value.int64Value.map(String.init)
    }

    /// The slow path: the whole line parsed, the outputs written again.
    private static func parsedResponse(_ line: UnsafeRawBufferPointer) throws -> Response {
        let value = try JSON.parse(line)
        guard let id = value["id"]?.stringValue ?? value["id"]?.int64Value.map(String.init) else {
            throw RuntimeError(.execFailed, "exec handler response lacks a string \"id\": \(shown(line))")
        }
        if let error = value["error"], !error.isNull {
            return Response(id: id, result: .failure(HandlerFailure(description: error.stringValue ?? error.description)))
        }
        guard let outputs = value["outputs"]?.arrayValue else {
            throw RuntimeError(.execFailed, "exec handler response \(id) has neither \"outputs\" (an array) nor \"error\": \(shown(line))")
        }
        return Response(id: id, result: .success(try outputs.map { try $0.serialized() }))
    }

    private static func shown(_ line: UnsafeRawBufferPointer) -> String {
        String(decoding: line.prefix(200), as: UTF8.self)
    }
}
