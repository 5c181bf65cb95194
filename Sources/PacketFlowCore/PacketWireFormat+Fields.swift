#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension PacketWireFormat {
    /// A header PacketFlow reads, told from others by its name.
    public enum Field: Sendable, Hashable, CaseIterable {
        case version, id, group, kind, molecule, stage, cost, cpu, memory, priority, deadline, attempt, traceparent

        /// The header's name, e.g. "pf-id" (the same as ``PacketWireFormat/Header``'s).
        public var name: String { staticName.description }

        /// The field a header name denotes; nil for headers that are not PacketFlow's (or a
        /// `pf-` header this version does not know).
        public init?(name: String) {
            var name = name
            guard let field = name.withUTF8({ Field(name: UnsafeRawBufferPointer($0)) }) else { return nil }
            self = field
        }

        /// The field a header name's bytes denote: told by length and one byte, then
        /// compared, with no string made, for readers that go through every header of every
        /// record.
        public init?(name: UnsafeRawBufferPointer) {
            let candidate: Field?
            switch name.count {
            case 5: candidate = .id
            case 6: candidate = .cpu
            case 7: candidate = name[3] == UInt8(ascii: "k") ? .kind : .cost
            case 8: candidate = name[3] == UInt8(ascii: "g") ? .group : .stage
            case 9: candidate = .memory
            case 10: candidate = name[3] == UInt8(ascii: "v") ? .version : .attempt
            case 11:
                switch name[3] {
                case UInt8(ascii: "m"): candidate = .molecule
                case UInt8(ascii: "p"): candidate = .priority
                case UInt8(ascii: "d"): candidate = .deadline
                default: candidate = .traceparent
                }
            default: candidate = nil
            }
            guard let candidate, let base = name.baseAddress, memcmp(candidate.staticName.utf8Start, base, name.count) == 0 else {
                return nil
            }
            self = candidate
        }

        /// The name as static bytes, for comparing without a string: one place for the names.
        private var staticName: StaticString {
            switch self {
            case .version: "pf-version"
            case .id: "pf-id"
            case .group: "pf-group"
            case .kind: "pf-kind"
            case .molecule: "pf-molecule"
            case .stage: "pf-stage"
            case .cost: "pf-cost"
            case .cpu: "pf-cpu"
            case .memory: "pf-memory"
            case .priority: "pf-priority"
            case .deadline: "pf-deadline"
            case .attempt: "pf-attempt"
            case .traceparent: "traceparent"
            }
        }
    }

    /// Checks a PacketFlow header's value by the rules of ``packet(from:defaultGroup:)``
    /// without building a packet: for readers that pass a record on as it came.
    ///
    /// - Throws: ``PacketMetadataError`` when the value cannot be read.
    public static func check(_ field: Field, _ value: UnsafeRawBufferPointer?) throws(PacketMetadataError) {
        switch field {
        case .id, .kind, .molecule, .stage:
            // Non-empty text: no string needed to tell.
            guard let value, !value.isEmpty else { throw PacketMetadataError(.invalidText, header: field.name, value: "") }
        case .version:
            guard let value, versionText.utf8.elementsEqual(value) else {
                throw PacketMetadataError(.unsupportedVersion, header: field.name, value: text(value))
            }
        case .group:
            guard let value, PacketGroup(symbolBytes: value) != nil else {
                throw PacketMetadataError(.unknownGroup, header: field.name, value: text(value))
            }
        default:
            var ignored = Packet(id: placeholderID, group: .dataFlow, kind: "check", payload: [], createdMilliseconds: 0)
            try read(field, value, into: &ignored)
        }
    }

    /// Reads one PacketFlow header's value into `packet`.
    static func read(_ field: Field, _ value: UnsafeRawBufferPointer?, into packet: inout Packet) throws(PacketMetadataError) {
        let text = text(value)
        func number<T: LosslessStringConvertible>(_ type: T.Type) throws(PacketMetadataError) -> T {
            guard let value = T(text) else { throw PacketMetadataError(.invalidNumber, header: field.name, value: text) }
            return value
        }
        func nonNegative(_ value: Double) throws(PacketMetadataError) -> Double {
            guard value >= 0, value.isFinite else { throw PacketMetadataError(.invalidNumber, header: field.name, value: text) }
            return value
        }
        func nonEmpty() throws(PacketMetadataError) -> String {
            guard !text.isEmpty else { throw PacketMetadataError(.invalidText, header: field.name, value: text) }
            return text
        }
        switch field {
        case .version:
            guard text == versionText else { throw PacketMetadataError(.unsupportedVersion, header: field.name, value: text) }
        case .id:
            packet.id = PacketID(try nonEmpty())!
        case .group:
            guard let group = value.flatMap(PacketGroup.init(symbolBytes:)) else {
                throw PacketMetadataError(.unknownGroup, header: field.name, value: text)
            }
            packet.group = group
        case .kind:
            packet.kind = try nonEmpty()
        case .molecule:
            packet.molecule = try nonEmpty()
        case .stage:
            packet.stage = try nonEmpty()
        case .cost:
            packet.cost = try nonNegative(try number(Double.self))
        case .cpu:
            packet.resources.cpu = try nonNegative(try number(Double.self))
        case .memory:
            let memory = try number(Int64.self)
            guard memory >= 0 else { throw PacketMetadataError(.invalidNumber, header: field.name, value: text) }
            packet.resources.memoryBytes = memory
        case .priority:
            packet.priority = try number(Int.self)
        case .deadline:
            packet.deadlineMilliseconds = try number(Int64.self)
        case .attempt:
            let attempt = try number(Int.self)
            guard attempt >= 1 else { throw PacketMetadataError(.invalidNumber, header: field.name, value: text) }
            packet.attempt = attempt
        case .traceparent:
            guard let trace = TraceContext(traceparent: text) else {
                throw PacketMetadataError(.invalidTraceparent, header: field.name, value: text)
            }
            packet.trace = trace
        }
    }

    /// A `pf-deadline` value in milliseconds since the epoch; nil when it is not a number.
    public static func deadlineMilliseconds(_ value: UnsafeRawBufferPointer?) -> Int64? {
        Int64(text(value))
    }

    /// A `pf-attempt` value; nil when it is not a number.
    public static func attempt(_ value: UnsafeRawBufferPointer?) -> Int? {
        Int(text(value))
    }

    private static func text(_ value: UnsafeRawBufferPointer?) -> String {
        value.map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}
