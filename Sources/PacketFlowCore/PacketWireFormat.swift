/// How a ``Packet`` travels as a Kafka message, format version 1.
///
/// The payload is the message value, the key is the message key, the creation time is the
/// message timestamp, and metadata rides in headers named with the `pf-` prefix (plus the
/// standard `traceparent`). Only headers with a value are written: a minimal packet carries
/// `pf-version`, `pf-id`, `pf-group` and `pf-kind`. Every header is described in
/// docs/wire-format.md.
///
/// Reading is lenient about absence and strict about values: a message without PacketFlow
/// headers (a foreign producer's) is still a packet, with its group from the topic's default,
/// its kind from the topic's name and an id derived from topic, partition and offset; a header
/// whose value cannot be read is a ``PacketMetadataError``.
public enum PacketWireFormat {
    /// The format version this build writes and reads.
    public static let version = 1

    /// The prefix of every PacketFlow header.
    public static let prefix = "pf-"

    /// The header names of format version 1.
    public enum Header {
        public static let version = "pf-version"
        public static let id = "pf-id"
        public static let group = "pf-group"
        public static let kind = "pf-kind"
        public static let molecule = "pf-molecule"
        public static let stage = "pf-stage"
        public static let cost = "pf-cost"
        public static let cpu = "pf-cpu"
        public static let memory = "pf-memory"
        public static let priority = "pf-priority"
        public static let deadline = "pf-deadline"
        public static let attempt = "pf-attempt"
        public static let traceparent = "traceparent"
    }

    /// The message that carries `packet` to `topic`.
    public static func record(for packet: Packet, topic: String) -> PacketRecord {
        PacketRecord(
            topic: topic,
            timestampMilliseconds: packet.createdMilliseconds,
            key: packet.key,
            value: packet.payload,
            headers: headers(for: packet))
    }

    /// The headers that describe `packet`: PacketFlow's own first, then its other headers.
    public static func headers(for packet: Packet) -> [PacketHeader] {
        var headers: [PacketHeader] = []
        forEachHeader(of: packet) { name, value in headers.append(PacketHeader(name: name, value: value.map { Array($0) })) }
        return headers
    }

    /// Calls `body` with each header that describes `packet`, in the order of
    /// ``headers(for:)``: its name and its value's bytes (`nil` for a header without value),
    /// valid during the call. For writers that copy headers straight into a message, with no
    /// array per header.
    public static func forEachHeader(of packet: Packet, _ body: (_ name: String, _ value: UnsafeRawBufferPointer?) -> Void) {
        func add(_ name: String, _ text: String?) {
            guard var text else { return }
            text.withUTF8 { body(name, UnsafeRawBufferPointer($0)) }
        }
        add(Header.version, versionText)
        add(Header.id, packet.id.rawValue)
        add(Header.group, packet.group.symbol)
        add(Header.kind, packet.kind)
        add(Header.molecule, packet.molecule)
        add(Header.stage, packet.stage)
        add(Header.cost, packet.cost.map(formatNumber))
        add(Header.cpu, packet.resources.cpu.map(formatNumber))
        add(Header.memory, packet.resources.memoryBytes.map(String.init))
        add(Header.priority, packet.priority.map(String.init))
        add(Header.deadline, packet.deadlineMilliseconds.map(String.init))
        add(Header.attempt, packet.attempt == 1 ? nil : String(packet.attempt))
        add(Header.traceparent, packet.trace?.traceparent)
        for header in packet.otherHeaders {
            guard let value = header.value else {
                body(header.name, nil)
                continue
            }
            value.withUnsafeBytes { body(header.name, $0) }
        }
    }

    static let versionText = String(version)
    /// The id of a packet being read until its `pf-id` header, or the derived id, replaces it.
    static let placeholderID = PacketID("pending")!

    /// Reads the packet a message carries.
    ///
    /// - Parameters:
    ///   - record: the message as read from Kafka (topic, partition and offset set).
    ///   - defaultGroup: the group of messages without `pf-group`: the topic's declared group
    ///     (event topics are ``PacketGroup/eventDriven``).
    /// - Throws: ``PacketMetadataError`` naming the first header whose value cannot be read.
    public static func packet(
        from record: PacketRecord, defaultGroup: PacketGroup = .eventDriven
    ) throws(PacketMetadataError) -> Packet {
        try packet(
            topic: record.topic, partition: record.partition, offset: record.offset,
            timestampMilliseconds: record.timestampMilliseconds, key: record.key, payload: record.value ?? [],
            defaultGroup: defaultGroup
        ) { (read) throws(PacketMetadataError) in
            for header in record.headers {
                guard let value = header.value else {
                    try read(header.name, nil)
                    continue
                }
                // Array's withUnsafeBytes rethrows untyped: the error comes back as a value.
                try value.withUnsafeBytes { bytes in Result { () throws(PacketMetadataError) in try read(header.name, bytes) } }.get()
            }
        }
    }

    /// Reads the packet of a message given in parts, its headers read in place: for readers
    /// that decode straight from a consumer's memory, with no record or header arrays.
    ///
    /// `headers` calls its argument with each header's name and value bytes (`nil` for a
    /// header without value), in order; the bytes need only live during that call. Otherwise
    /// as ``packet(from:defaultGroup:)``.
    public static func packet(
        topic: String, partition: Int32, offset: Int64, timestampMilliseconds: Int64?,
        key: [UInt8]?, payload: [UInt8], defaultGroup: PacketGroup = .eventDriven,
        headers: (_ read: (_ name: String, _ value: UnsafeRawBufferPointer?) throws(PacketMetadataError) -> Void) throws(PacketMetadataError) -> Void
    ) throws(PacketMetadataError) -> Packet {
        var packet = Packet(
            id: placeholderID, group: defaultGroup, kind: topic, key: key, payload: payload,
            createdMilliseconds: timestampMilliseconds ?? 0)
        var hasID = false
        try headers { (name, value) throws(PacketMetadataError) in
            guard let field = Field(name: name) else {
                // Another producer's header, or a pf- header this version does not know: kept,
                // so newer producers' metadata survives.
                packet.otherHeaders.append(PacketHeader(name: name, value: value.map { Array($0) }))
                return
            }
            if field == .id { hasID = true }
            try read(field, value, into: &packet)
        }
        // Derived only when missing: formatting it costs as much as reading every other header.
        if !hasID { packet.id = .derived(topic: topic, partition: partition, offset: offset) }
        return packet
    }

    private static func formatNumber(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
