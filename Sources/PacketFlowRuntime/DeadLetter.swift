import PacketFlowCore

/// How a packet that cannot be handled travels to the molecule's dead-letter topic.
///
/// The record keeps the original key, value and headers (so it can be replayed as it was),
/// with `pf-attempt` set to the attempts made and these headers added (``DeadLetterHeader``):
/// `pf-dlq-reason` (why, in words), `pf-dlq-stage`, `pf-dlq-molecule` and `pf-dlq-source`
/// (`topic[partition]@offset` of the input).
public enum DeadLetter {
    /// The dead-letter record for `original`, which failed after `attempt` attempts.
    public static func record(
        for original: PacketRecord, topic: String, reason: String, molecule: String, stage: String, attempt: Int
    ) -> PacketRecord {
        var headers = original.headers.filter { $0.name != PacketWireFormat.Header.attempt }
        headers.append(PacketHeader(name: PacketWireFormat.Header.attempt, text: String(attempt)))
        headers.append(PacketHeader(name: DeadLetterHeader.reason, text: reason))
        headers.append(PacketHeader(name: DeadLetterHeader.stage, text: stage))
        headers.append(PacketHeader(name: DeadLetterHeader.molecule, text: molecule))
        headers.append(PacketHeader(name: DeadLetterHeader.source, text: "\(original.topic)[\(original.partition)]@\(original.offset)"))
        return PacketRecord(
            topic: topic, timestampMilliseconds: original.timestampMilliseconds, key: original.key,
            value: original.value, headers: headers)
    }
}
