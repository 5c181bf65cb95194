import PacketFlowCore
import PacketFlowJSON
import PacketFlowKafka
import PacketFlowWire
import Synchronization

/// Publishes the events of a request as packets and returns once the broker acknowledged all.
///
/// Each event becomes a packet of the configured group with a fresh id, its topic's name as
/// kind, and the event as payload (the wire format's headers, as `packetflow publish` writes
/// them). Events go through the producer's awaitable `send`, all of a request at once, so the
/// answer comes after the last acknowledgement: at least once, never acknowledged early.
/// Thread-safe; the caller owns the producer and closes it after the server stopped.
public final class IngestPublisher: Sendable {
    private let producer: KafkaProducer
    private let provisioner: TopicProvisioner?
    private let group: PacketGroup
    private let allowsInternalTopics: Bool
    private let idField: JSONPath?
    private let knownTopics = Mutex<Set<String>>([])
    /// Events outstanding, bounded so a slow broker turns into 429s instead of memory.
    public let inFlight: InFlightLimit

    /// A publisher over `producer`; `provisioner` creates missing topics (nil: never).
    public init(producer: KafkaProducer, provisioner: TopicProvisioner?, configuration: IngestConfiguration) {
        self.producer = producer
        self.provisioner = configuration.createTopics ? provisioner : nil
        self.group = configuration.group
        self.allowsInternalTopics = configuration.allowsInternalTopics
        self.idField = configuration.idField
        self.inFlight = InFlightLimit(limit: configuration.maxInFlightEvents)
    }

    /// Publishes `events` to `topic`; returns how many were acknowledged (all of them).
    ///
    /// Throws ``IngestError``: `invalidTopic` for an illegal name, `tooManyInFlight` when the
    /// limit has no room (nothing was sent), `brokerUnavailable` when the topic cannot be
    /// created, the producer's queue is full or an acknowledgement failed (the message says how
    /// many events were acknowledged: a retry of the request publishes those again).
    ///
    /// Each event gets the id `ingest:TOPIC:VALUE` from its id field when one is configured
    /// (`invalidEventID` when an event lacks it), else with `idempotencyKey` the id
    /// `ingest:TOPIC:KEY:INDEX` (its index in `events`), the same for every retry, else a fresh one.
    public func publish(
        _ events: [ArraySlice<UInt8>], to topic: String, idempotencyKey: String? = nil
    ) async throws(IngestError) -> Int {
        try Self.checkTopicName(topic)
        if !allowsInternalTopics, Self.isInternal(topic) {
            throw IngestError(
                .internalTopic,
                "\(topic) is one of PacketFlow's own topics (pf.* other than a molecule's pf.NAME.input, and __*): ingest does not write it unless started with --allow-internal-topics")
        }
        guard events.count <= inFlight.limit else {
            throw IngestError(
                .tooLarge, "\(events.count) events in one request, more than the \(inFlight.limit) that may wait for the broker; split the request")
        }
        // Named before taking room, so a request with an unnamed event gets 400, never 429.
        var ids: [String] = []
        ids.reserveCapacity(events.count)
        for (index, event) in events.enumerated() {
            if let idField {
                ids.append("ingest:\(topic):\(try Self.value(of: idField, in: event, at: index))")
            } else {
                ids.append(idempotencyKey.map { "ingest:\(topic):\($0):\(index)" } ?? PacketID.generate().rawValue)
            }
        }
        guard inFlight.tryAcquire(events.count) else {
            throw IngestError(.tooManyInFlight, "\(inFlight.current) events are waiting for the broker; retry later")
        }
        defer { inFlight.release(events.count) }
        try await ensureTopic(topic)
        let headers = NewPacketHeaders(group: group, kind: topic)
        let failures = await withTaskGroup(of: KafkaError?.self) { tasks in
            for (index, event) in events.enumerated() {
                let id = ids[index]
                let message = KafkaProducerMessage(
                    topic: topic, value: Array(event), headers: headers.list(id: id))
                tasks.addTask { [producer] in
                    do {
                        _ = try await producer.send(message)
                        return nil
                    } catch let error as KafkaError {
                        return error
                    } catch {
                        return KafkaError(code: .state, message: "\(error)")
                    }
                }
            }
            var failures: [KafkaError] = []
            for await failure in tasks {
                if let failure { failures.append(failure) }
            }
            return failures
        }
        guard let first = failures.first else { return events.count }
        let acknowledged = events.count - failures.count
        if let refused = failures.first(where: { $0.code == .messageTooLarge }) {
            throw IngestError(
                .tooLarge,
                "an event is larger than the broker takes (\(refused)); \(acknowledged) of \(events.count) events were acknowledged and would be published again by a retry")
        }
        let what = first.code == .queueFull ? "the producer's queue is full" : "the broker did not acknowledge: \(first)"
        throw IngestError(
            .brokerUnavailable,
            "\(what); \(acknowledged) of \(events.count) events were acknowledged and would be published again by a retry")
    }

    /// The text of `field` in `event` (the request's event number `index`, from 0).
    private static func value(of field: JSONPath, in event: ArraySlice<UInt8>, at index: Int) throws(IngestError) -> String {
        let value = try? JSON.parse(event).value(at: field)
        let text: String
        switch value {
        case .string(let string)?: text = string
        case .integer?, .number?, .bool?: text = value!.description
        default: text = ""
        }
        // It travels in every downstream pf-id and sink key: short, and no control characters.
        guard (1...200).contains(text.utf8.count), !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw IngestError(
                .invalidEventID,
                "event \(index + 1) has no \(field) to name it (a string of 1 to 200 bytes without control characters, a number or a boolean); nothing of the request was published")
        }
        return text
    }

    private func ensureTopic(_ topic: String) async throws(IngestError) {
        guard let provisioner, !knownTopics.withLock({ $0.contains(topic) }) else { return }
        do {
            try await provisioner.ensureTopic(topic, partitions: group.properties.defaultPartitions)
        } catch where error.code == .partitionCountMismatch {
            // An existing topic with fewer partitions than the group's default is fine.
        } catch {
            throw IngestError(.brokerUnavailable, "cannot create topic \(topic): \(error)")
        }
        knownTopics.withLock { _ = $0.insert(topic) }
    }

    /// Whether `topic` is one of PacketFlow's own: `__*`, or `pf.*` other than a molecule's
    /// entry topic `pf.NAME.input` (where events are meant to go).
    static func isInternal(_ topic: String) -> Bool {
        if topic.hasPrefix("__") { return true }
        guard topic.hasPrefix("pf.") else { return false }
        let parts = topic.split(separator: ".", omittingEmptySubsequences: false)
        return !(parts.count == 3 && !parts[1].isEmpty && parts[2] == "input")
    }

    /// Kafka's rule (`TopicName`): 1 to 249 characters of `a-z A-Z 0-9 . _ -`, and not `.` or `..`.
    static func checkTopicName(_ topic: String) throws(IngestError) {
        guard TopicName.isLegal(topic) else {
            throw IngestError(.invalidTopic, "\(topic): a topic name is 1 to 249 of a-z A-Z 0-9 . _ -")
        }
    }
}
