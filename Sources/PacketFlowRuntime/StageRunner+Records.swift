import PacketFlowCore
import PacketFlowJSON
import PacketFlowKafka
import PacketFlowWire

/// The record path: stages whose handlers are all built-ins (``BuiltinChain``), or one exec
/// program, hand each record on read in place from the fetched batch, with no ``Packet`` made.
/// What reaches the output topics is what the packet path would send: each output payload
/// with the key and timestamp of the input, and its headers with `pf-id`
/// (`<input id>:<output index>`), `pf-group`, `pf-kind`, `pf-molecule` and `pf-stage` stamped
/// anew and `pf-attempt` reset; input that is not JSON, a header that cannot be read and
/// (where the stage checks deadlines) an expired packet go to the dead-letter topic as there.
extension StageRunner {
    /// Why a record goes to the dead-letter topic instead of on: it cannot be read, its
    /// deadline passed, or an output of it is larger than the producer takes.
    struct Refusal: Error {
        var reason: String
        var attempt: Int
    }

    /// What the checks of a record read from its headers.
    private struct Admission {
        /// The `pf-id` bytes, nil when the record has none.
        var id: UnsafeRawBufferPointer?
        var attempt = 1
        var group: PacketGroup?
    }

    /// An output payload: the input's own bytes, or new ones.
    private enum Payload {
        case input
        case bytes([UInt8])
    }

    /// Hands on the records of `batch` at `indices`, in order, through the stage's built-in
    /// chain, every record enqueued in `delivery` without waiting for acknowledgements.
    ///
    /// Throws ``RuntimeError`` (`kafkaFailed`) when the producer refuses a record.
    func handleRecords(_ batch: KafkaConsumer.Batch, at indices: [Int], chain: BuiltinChain, group delivery: KafkaDeliveryGroup) async throws {
        let now = checkTime()
        // Resolved here, not when the worker is made: resolving asks the cluster for the topic,
        // which some clusters (the embedded one) answer by creating it with their defaults.
        let outputs = outputTopics.map(producer.topic)
        var sent = 0
        defer { meter.recordSent(sent) }
        for index in indices {
            var position = (payload: 0, topic: 0)
            retry: while true {
                let step = try batch.withRecord(at: index) { record -> Forwarding in
                    let admission: Admission
                    switch admit(record, now: now) {
                    case .success(let admitted): admission = admitted
                    case .failure(let refusal): return .refused(refusal)
                    }
                    let payloads: [Payload]
                    do {
                        switch try chain.apply(to: record.payload, id: { Self.idText(admission.id, of: record) }, logger: logger) {
                        case .dropped: payloads = []
                        case .unchanged: payloads = [.input]
                        case .replaced(let bytes): payloads = [.bytes(bytes)]
                        }
                    } catch {
                        return .refused(Refusal(reason: "\(error)", attempt: admission.attempt))
                    }
                    return try enqueue(
                        payloads, of: record, id: admission.id, attempt: admission.attempt, to: outputs, from: position, delivery: delivery,
                        sent: &sent)
                }
                switch step {
                case .done:
                    break retry
                case .full(let full, let at):
                    position = at
                    await producer.waitForRoom(after: full)
                case .refused(let refusal):
                    try await deadLetter(PacketRecord(consumed: batch[index]), reason: refusal.reason, attempt: refusal.attempt, delivery: delivery)
                    break retry
                }
            }
        }
    }

    /// Hands on the records of `batch` at `indices` through the stage's one exec handler:
    /// every request written in one burst, built from the records in place, then each record's
    /// answer enqueued in input order. A record whose request failed (the program erred, died
    /// or missed its deadline) goes on alone as a packet, through its retries.
    ///
    /// Throws ``RuntimeError`` (`kafkaFailed`) when the producer refuses a record.
    func handleRecords(_ batch: KafkaConsumer.Batch, at indices: [Int], exec: ExecHandler, group delivery: KafkaDeliveryGroup) async throws {
        let now = checkTime()
        let kind = steps[0].packet.name
        let call = try await exec.submit(indices.count) { position, id, line in
            try batch.withRecord(at: indices[position]) { record in
                let admission = try admit(record, now: now).get()
                try ExecProtocol.appendRequest(
                    id: id, packetID: Self.idText(admission.id, of: record), kind: kind, group: admission.group ?? stage.group,
                    attempt: admission.attempt, key: record.key, payload: record.payload, to: &line)
            }
        }
        let answers = await call.answers()
        let outputs = outputTopics.map(producer.topic)
        var sent = 0
        defer { meter.recordSent(sent) }
        for (position, index) in indices.enumerated() {
            switch answers[position] {
            case .success(let answer):
                let payloads = answer.map(Payload.bytes)
                var at = (payload: 0, topic: 0)
                while true {
                    let step = try batch.withRecord(at: index) { record in
                        let (id, attempt) = Self.idAndAttempt(of: record)
                        return try enqueue(payloads, of: record, id: id, attempt: attempt, to: outputs, from: at, delivery: delivery, sent: &sent)
                    }
                    switch step {
                    case .done:
                        break
                    case .full(let full, let next):
                        at = next
                        await producer.waitForRoom(after: full)
                        continue
                    case .refused(let refusal):
                        try await deadLetter(
                            PacketRecord(consumed: batch[index]), reason: refusal.reason, attempt: refusal.attempt, delivery: delivery)
                    }
                    break
                }
            case .failure(let refusal as Refusal):
                try await deadLetter(PacketRecord(consumed: batch[index]), reason: refusal.reason, attempt: refusal.attempt, delivery: delivery)
            case .failure(let error):
                guard case .success(var packet) = StageInput(batch, at: index, defaultGroup: stage.group).packet else { continue }
                packet.kind = kind
                try await retry(packet, original: PacketRecord(consumed: batch[index]), failedOnce: error, delivery: delivery)
            }
        }
    }

    /// What became of one record's outputs.
    private enum Forwarding {
        /// Every output enqueued, or none due.
        case done
        /// The producer's queue was full at this output and topic: wait, then go on from it.
        case full(KafkaProducer.QueueFull, at: (payload: Int, topic: Int))
        /// The record goes to the dead-letter topic.
        case refused(Refusal)
    }

    /// The wall clock for deadline checks, read once per slice (a slice takes milliseconds);
    /// 0 where the stage checks none.
    private func checkTime() -> Int64 {
        stage.behaviour.checksDeadlines ? PacketID.nowMilliseconds() : 0
    }

    /// Checks a record as the packet path decodes it: JSON payload, readable `pf-` headers and,
    /// where the stage checks them, its deadline.
    private func admit(_ record: KafkaRecordView, now: Int64) -> Result<Admission, Refusal> {
        var admission = Admission()
        var deadline: Int64?
        do {
            try JSON.validate(record.payload)
            try record.forEachHeader { name, value in
                guard let field = PacketWireFormat.Field(name: name) else { return }
                try PacketWireFormat.check(field, value)
                switch field {
                case .id: admission.id = value
                case .deadline: deadline = PacketWireFormat.deadlineMilliseconds(value)
                case .attempt: admission.attempt = PacketWireFormat.attempt(value) ?? 1
                case .group: admission.group = value.flatMap(PacketGroup.init(symbolBytes:))
                default: break
                }
            }
        } catch {
            return .failure(Refusal(reason: "undecodable input: \(error)", attempt: 1))
        }
        if stage.behaviour.checksDeadlines, let deadline, now > deadline {
            return .failure(Refusal(reason: "deadline passed: \(deadline) ms since epoch, checked at \(now)", attempt: admission.attempt))
        }
        return .success(admission)
    }

    /// Enqueues `payloads` as the outputs of `record`, each to every output topic, starting at
    /// `start` (where an earlier try met a full queue).
    private func enqueue(
        _ payloads: [Payload], of record: KafkaRecordView, id: UnsafeRawBufferPointer?, attempt: Int, to outputs: [KafkaProducer.Topic],
        from start: (payload: Int, topic: Int), delivery: KafkaDeliveryGroup, sent: inout Int
    ) throws -> Forwarding {
        for index in start.payload..<payloads.count {
            let full = try Self.withBytes(of: payloads[index], input: record.payload) { value -> Forwarding? in
                for topic in (index == start.payload ? start.topic : 0)..<outputs.count {
                    let full: KafkaProducer.QueueFull?
                    do {
                        full = try producer.tryEnqueue(
                            to: outputs[topic], key: record.key, value: value, timestampMilliseconds: record.timestampMilliseconds,
                            group: delivery
                        ) { headers in stamp(&headers, from: record, id: id, output: index) }
                    } catch let error as KafkaError where error.code == .messageTooLarge {
                        return .refused(
                            Refusal(
                                oversizedOutput: value.count, to: outputs[topic].name, index: index, of: payloads.count,
                                afterOthers: index > 0 || topic > 0, attempt: attempt))
                    } catch {
                        throw RuntimeError(
                            .kafkaFailed,
                            "cannot deliver output of \(record.topic)[\(record.partition)]@\(record.offset) to \(outputs[topic].name): \(error)")
                    }
                    if let full { return .full(full, at: (index, topic)) }
                    sent += 1
                }
                return nil
            }
            if let full { return full }
        }
        return .done
    }

    /// The output's headers: the stage's own in the packet path's order, then every header of
    /// the input that is not restamped, as it came.
    private func stamp(_ headers: inout KafkaRecordHeaders, from record: KafkaRecordView, id: UnsafeRawBufferPointer?, output: Int) {
        headers.append(contentsOf: recordHeaders.leading)
        if let id, output < 10 {
            withUnsafeTemporaryAllocation(byteCount: id.count + 2, alignment: 1) { buffer in
                buffer.copyMemory(from: id)
                buffer[id.count] = UInt8(ascii: ":")
                buffer[id.count + 1] = UInt8(ascii: "0") + UInt8(output)
                headers.append(name: PacketWireFormat.Header.id, value: UnsafeRawBufferPointer(buffer))
            }
        } else {
            headers.append(name: PacketWireFormat.Header.id, value: Self.idText(id, of: record) + ":\(output)")
        }
        headers.append(contentsOf: recordHeaders.trailing)
        record.forEachHeader { name, value in
            if let field = PacketWireFormat.Field(name: name), RecordHeaders.isRestamped(field) { return }
            headers.append(nameBytes: name, value: value)
        }
    }

    /// The `pf-id` bytes (nil when it has none) and the attempt of a record already admitted.
    private static func idAndAttempt(of record: KafkaRecordView) -> (id: UnsafeRawBufferPointer?, attempt: Int) {
        var id: UnsafeRawBufferPointer?
        var attempt = 1
        record.forEachHeader { name, value in
            switch PacketWireFormat.Field(name: name) {
            case .id where id == nil: id = value
            case .attempt: attempt = PacketWireFormat.attempt(value) ?? 1
            default: break
            }
        }
        return (id, attempt)
    }

    /// The input's id: its `pf-id`, or the one derived from where it lives.
    private static func idText(_ id: UnsafeRawBufferPointer?, of record: KafkaRecordView) -> String {
        id.map { String(decoding: $0, as: UTF8.self) }
            ?? PacketID.derived(topic: record.topic, partition: record.partition, offset: record.offset).rawValue
    }

    private static func withBytes<Result>(
        of payload: Payload, input: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> Result
    ) rethrows -> Result {
        switch payload {
        case .input: return try body(input)
        case .bytes(let bytes): return try bytes.withUnsafeBytes(body)
        }
    }
}

extension KafkaRecordView {
    /// The value's bytes, empty for a null value.
    var payload: UnsafeRawBufferPointer { value ?? UnsafeRawBufferPointer(start: nil, count: 0) }
}

/// The record path's rule for an input's headers on its outputs.
enum RecordHeaders {
    /// The input headers an output does not carry over: the stage writes its own
    /// (``NewPacketHeaders``), and an output is a first attempt.
    static func isRestamped(_ field: PacketWireFormat.Field) -> Bool {
        switch field {
        case .version, .id, .group, .kind, .molecule, .stage, .attempt: true
        case .cost, .cpu, .memory, .priority, .deadline, .traceparent: false
        }
    }
}

extension StageRunner.Refusal {
    /// An output the producer refused for its size (`MSG_SIZE_TOO_LARGE`): no retry can send
    /// it, so its input goes to the dead-letter topic and the stage goes on.
    ///
    /// `afterOthers` says that outputs enqueued before it (earlier outputs of the input, or
    /// the same output to earlier topics) were sent and stay sent; the reason says so.
    init(oversizedOutput bytes: Int, to topic: String, index: Int, of count: Int, afterOthers: Bool, attempt: Int) {
        let which = count > 1 ? "output \(index + 1) of \(count)" : "output"
        self.init(
            reason: "\(which) (\(bytes) bytes) to \(topic) exceeds the largest message the producer may send (message.max.bytes)"
                + (afterOthers ? "; the outputs sent before it stay sent" : ""),
            attempt: attempt)
    }
}
