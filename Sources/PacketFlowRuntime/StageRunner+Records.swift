import PacketFlowCore
import PacketFlowJSON
import PacketFlowKafka

/// The path of stages whose handlers are all built-ins (``BuiltinChain``): each record is
/// checked and handed on as it came, read in place from the fetched batch, with no ``Packet``
/// made. What reaches the output topics is what the packet path would send: the payload (as
/// the chain left it), key and timestamp of the input, and its headers with `pf-id`
/// (`<input id>:0`), `pf-group`, `pf-kind`, `pf-molecule` and `pf-stage` stamped anew and
/// `pf-attempt` reset; input that is not JSON, a header that cannot be read and (where the
/// stage checks deadlines) an expired packet go to the dead-letter topic as there.
extension StageRunner {
    /// What became of one record.
    private enum Forwarding {
        /// Every output enqueued, or none due.
        case done
        /// The producer's queue was full at output topic `nextTopic`: wait, then go on from it.
        case full(KafkaProducer.QueueFull, nextTopic: Int)
        /// The record goes to the dead-letter topic.
        case deadLetter(reason: String, attempt: Int)
    }

    /// Hands on the records of `batch` at `indices`, in order, through the stage's built-in
    /// chain, every record enqueued in `delivery` without waiting for acknowledgements.
    ///
    /// Throws ``RuntimeError`` (`kafkaFailed`) when the producer refuses a record.
    func handleRecords(_ batch: KafkaConsumer.Batch, at indices: [Int], chain: BuiltinChain, group delivery: KafkaDeliveryGroup) async throws {
        // One clock reading per slice: a slice is handled within milliseconds.
        let now = stage.group == .eventDriven ? PacketID.nowMilliseconds() : 0
        // Resolved here, not when the worker is made: resolving asks the cluster for the topic,
        // which some clusters (the embedded one) answer by creating it with their defaults.
        let outputs = outputTopics.map(producer.topic)
        var sent = 0
        defer { meter.recordSent(sent) }
        for index in indices {
            var nextTopic = 0
            retry: while true {
                let forwarding = try batch.withRecord(at: index) { record in
                    try forward(record, chain: chain, to: outputs, from: nextTopic, now: now, delivery: delivery, sent: &sent)
                }
                switch forwarding {
                case .done:
                    break retry
                case .full(let full, let topic):
                    nextTopic = topic
                    await producer.waitForRoom(after: full)
                case .deadLetter(let reason, let attempt):
                    try await deadLetter(PacketRecord(consumed: batch[index]), reason: reason, attempt: attempt, delivery: delivery)
                    break retry
                }
            }
        }
    }

    private func forward(
        _ record: KafkaRecordView, chain: BuiltinChain, to outputs: [KafkaProducer.Topic], from firstTopic: Int, now: Int64,
        delivery: KafkaDeliveryGroup,
        sent: inout Int
    ) throws -> Forwarding {
        let payload = record.value ?? UnsafeRawBufferPointer(start: nil, count: 0)
        var id: UnsafeRawBufferPointer?
        var deadline: Int64?
        var attempt = 1
        do {
            try JSON.validate(payload)
            try record.forEachHeader { name, value in
                guard let field = PacketWireFormat.Field(name: name) else { return }
                try PacketWireFormat.check(field, value)
                switch field {
                case .id: id = value
                case .deadline: deadline = PacketWireFormat.deadlineMilliseconds(value)
                case .attempt: attempt = PacketWireFormat.attempt(value) ?? 1
                default: break
                }
            }
        } catch {
            return .deadLetter(reason: "undecodable input: \(error)", attempt: 1)
        }
        if stage.group == .eventDriven, let deadline, now > deadline {
            return .deadLetter(reason: "deadline passed: \(deadline) ms since epoch, checked at \(now)", attempt: attempt)
        }
        let outcome: BuiltinChain.Outcome
        do {
            outcome = try chain.apply(to: payload, id: { Self.idText(id, of: record) }, logger: logger)
        } catch {
            return .deadLetter(reason: "\(error)", attempt: attempt)
        }
        let output: [UInt8]?
        switch outcome {
        case .dropped: return .done
        case .unchanged: output = nil
        case .replaced(let bytes): output = bytes
        }
        return try Self.withBytes(output, else: payload) { value in
            for topic in firstTopic..<outputs.count {
                let full: KafkaProducer.QueueFull?
                do {
                    full = try producer.tryEnqueue(
                        to: outputs[topic], key: record.key, value: value, timestampMilliseconds: record.timestampMilliseconds,
                        group: delivery
                    ) { headers in stamp(&headers, from: record, id: id) }
                } catch {
                    throw RuntimeError(
                        .kafkaFailed,
                        "cannot deliver output of \(record.topic)[\(record.partition)]@\(record.offset) to \(outputs[topic].name): \(error)")
                }
                if let full { return .full(full, nextTopic: topic) }
                sent += 1
            }
            return .done
        }
    }

    /// The output's headers: the stage's own in the packet path's order, then every header of
    /// the input that is not restamped, as it came.
    private func stamp(_ headers: inout KafkaRecordHeaders, from record: KafkaRecordView, id: UnsafeRawBufferPointer?) {
        headers.append(contentsOf: recordHeaders.leading)
        if let id {
            withUnsafeTemporaryAllocation(byteCount: id.count + 2, alignment: 1) { buffer in
                buffer.copyMemory(from: id)
                buffer[id.count] = UInt8(ascii: ":")
                buffer[id.count + 1] = UInt8(ascii: "0")
                headers.append(name: PacketWireFormat.Header.id, value: UnsafeRawBufferPointer(buffer))
            }
        } else {
            headers.append(name: PacketWireFormat.Header.id, value: Self.idText(nil, of: record) + ":0")
        }
        headers.append(contentsOf: recordHeaders.trailing)
        record.forEachHeader { name, value in
            if let field = PacketWireFormat.Field(name: name), RecordHeaders.isRestamped(field) { return }
            headers.append(nameBytes: name, value: value)
        }
    }

    /// The input's id: its `pf-id`, or the one derived from where it lives.
    private static func idText(_ id: UnsafeRawBufferPointer?, of record: KafkaRecordView) -> String {
        id.map { String(decoding: $0, as: UTF8.self) }
            ?? PacketID.derived(topic: record.topic, partition: record.partition, offset: record.offset).rawValue
    }

    private static func withBytes<Result>(
        _ bytes: [UInt8]?, else fallback: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> Result
    ) rethrows -> Result {
        guard let bytes else { return try body(fallback) }
        return try bytes.withUnsafeBytes(body)
    }
}

/// The headers a stage stamps on every output of the record path, prepared once.
struct RecordHeaders: Sendable {
    /// Before `pf-id`: `pf-version`.
    let leading: KafkaHeaderList
    /// After `pf-id`: `pf-group`, `pf-kind`, `pf-molecule` and `pf-stage` of the stage's last packet.
    let trailing: KafkaHeaderList

    /// The input headers an output does not carry over: the stage writes its own, and an
    /// output is a first attempt.
    static func isRestamped(_ field: PacketWireFormat.Field) -> Bool {
        switch field {
        case .version, .id, .group, .kind, .molecule, .stage, .attempt: true
        case .cost, .cpu, .memory, .priority, .deadline, .traceparent: false
        }
    }

    init(molecule: String, stage: String, group: PacketGroup, kind: String) {
        leading = KafkaHeaderList([KafkaHeader(key: PacketWireFormat.Header.version, value: String(PacketWireFormat.version))])
        trailing = KafkaHeaderList([
            KafkaHeader(key: PacketWireFormat.Header.group, value: group.symbol),
            KafkaHeader(key: PacketWireFormat.Header.kind, value: kind),
            KafkaHeader(key: PacketWireFormat.Header.molecule, value: molecule),
            KafkaHeader(key: PacketWireFormat.Header.stage, value: stage),
        ])
    }
}
