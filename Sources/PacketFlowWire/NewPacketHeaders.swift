import PacketFlowCore
import PacketFlowKafka

/// The `pf-` headers of packets a process makes (published events, ingested events, a stage's
/// outputs), prepared once and written around each packet's own `pf-id` in the wire format's
/// order (docs/wire-format.md): `pf-version`, `pf-id`, `pf-group`, `pf-kind`, then `pf-molecule`
/// and `pf-stage` when given, then any extra headers.
public struct NewPacketHeaders: Sendable {
    /// Before `pf-id`.
    public let leading: KafkaHeaderList
    /// After `pf-id`.
    public let trailing: KafkaHeaderList
    private let trailingHeaders: [KafkaHeader]

    /// Headers for packets of `group` and `kind`, from `molecule`'s `stage` when given, with
    /// `extra` headers after the wire format's own.
    public init(group: PacketGroup, kind: String, molecule: String? = nil, stage: String? = nil, extra: [KafkaHeader] = []) {
        var trailing = [
            KafkaHeader(key: PacketWireFormat.Header.group, value: group.symbol),
            KafkaHeader(key: PacketWireFormat.Header.kind, value: kind),
        ]
        if let molecule { trailing.append(KafkaHeader(key: PacketWireFormat.Header.molecule, value: molecule)) }
        if let stage { trailing.append(KafkaHeader(key: PacketWireFormat.Header.stage, value: stage)) }
        trailing += extra
        leading = KafkaHeaderList([KafkaHeader(key: PacketWireFormat.Header.version, value: String(PacketWireFormat.version))])
        self.trailing = KafkaHeaderList(trailing)
        trailingHeaders = trailing
    }

    /// Writes the headers into a record being produced, `id` in its place.
    public func write(id: UnsafeRawBufferPointer, into headers: inout KafkaRecordHeaders) {
        headers.append(contentsOf: leading)
        headers.append(name: PacketWireFormat.Header.id, value: id)
        headers.append(contentsOf: trailing)
    }

    /// The headers as a list, `id` in its place: for a `KafkaProducerMessage`.
    public func list(id: String) -> [KafkaHeader] {
        [
            KafkaHeader(key: PacketWireFormat.Header.version, value: String(PacketWireFormat.version)),
            KafkaHeader(key: PacketWireFormat.Header.id, value: id),
        ] + trailingHeaders
    }
}
