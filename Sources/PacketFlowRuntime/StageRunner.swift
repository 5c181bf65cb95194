import Foundation
import Logging
import PacketFlowCore
import PacketFlowJSON
import PacketFlowKafka
import PacketFlowLanguage
import PacketFlowWire

/// Runs one stage's packets over consumed messages: decode, check, call the covalent chain of
/// handlers with retries, hand the results on, dead-letter what cannot be handled, and say
/// when the message's offset ticket may be finished.
///
/// Stateless between messages except for a collective stage's gathering, so many messages run
/// through it at once. Only Kafka failures of outputs or dead-letter records escape
/// (as ``RuntimeError`` `kafkaFailed`): the message then stays unfinished and comes again after
/// a restart; everything else ends in an output or a dead-letter record, including an output
/// larger than the producer may send (no restart could send it). Once the worker has
/// failed (``WorkerFailure``), packets still retrying are abandoned (`stopped`) rather than
/// dead-lettered: they come again after the restart.
final class StageRunner: Sendable {
    /// One packet of the stage: its name, group and handler.
    struct Step: Sendable {
        var packet: StagePacket
        var handler: ResolvedHandler
    }

    let plan: TopologyPlan
    let stage: StagePlan
    let steps: [Step]
    let tracker: OffsetTracker
    private let failure: WorkerFailure
    let meter: LoadMeter
    let producer: KafkaProducer
    let outputTopics: [String]
    /// What the record path stamps on every output.
    let recordHeaders: NewPacketHeaders
    /// The stage's handlers as one chain over payloads, when all are built-ins (and the stage
    /// does not gather): the stage then takes the record path (``handleRecords(_:at:chain:group:)``).
    let chain: BuiltinChain?
    private let stores: [String: StateStore]
    private let cache: ResourceCache?
    private let budget: TokenBucket?
    private let aggregator: CollectiveAggregator<OffsetTracker.Ticket>?
    let logger: Logger
    private let clock = ContinuousClock()
    private let started = ContinuousClock.now

    init(
        configuration: WorkerConfiguration, stage: StagePlan, steps: [Step], producer: KafkaProducer,
        tracker: OffsetTracker, failure: WorkerFailure, meter: LoadMeter, stores: [StateStore],
        aggregator: CollectiveAggregator<OffsetTracker.Ticket>?, logger: Logger
    ) throws {
        self.plan = configuration.plan
        self.stage = stage
        self.steps = steps
        self.tracker = tracker
        self.failure = failure
        self.meter = meter
        self.producer = producer
        self.outputTopics = stage.outputTopics + (stage.behaviour.reportsToReactor ? [configuration.controlTopic] : [])
        let last = stage.packets.last
        self.recordHeaders = NewPacketHeaders(
            group: last?.group ?? stage.group, kind: last?.name ?? stage.name, molecule: configuration.plan.molecule, stage: stage.name)
        self.chain = stage.collective == nil ? try BuiltinChain(stage.packets) : nil
        self.stores = Dictionary(stores.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let guardsResources = stage.behaviour.guardsResources
        self.cache = guardsResources ? ResourceCache(capacity: configuration.cacheCapacity) : nil
        self.budget = guardsResources ? TokenBucket(rate: configuration.budgetRate) : nil
        self.aggregator = aggregator
        self.logger = logger
    }

    /// Handles one consumed message whose ticket the caller took, in fetch order; gives `slot`
    /// back once the handlers are done with it. Every record it causes is enqueued in
    /// `delivery`, without waiting for acknowledgements.
    ///
    /// Returns true when the caller finishes the ticket once `delivery` is delivered, false when
    /// a collective group holds it and finishes it itself.
    func handle(
        _ message: KafkaMessage, ticket: OffsetTracker.Ticket, slot: HandlerSlot? = nil, delivery: KafkaDeliveryGroup
    ) async throws -> Bool {
        try await handle(StageInput(message, defaultGroup: stage.group), ticket: ticket, slot: slot, delivery: delivery)
    }

    private func handle(
        _ input: StageInput, ticket: OffsetTracker.Ticket, slot: HandlerSlot? = nil, delivery: KafkaDeliveryGroup
    ) async throws -> Bool {
        defer { slot?.release() }
        guard let packet = try await admit(input, delivery: delivery) else { return true }
        if let aggregator {
            let key = correlationKey(of: packet)
            if let gathered = aggregator.add(packet, key: key, member: ticket, now: clock.now - started) {
                try await finishGathered(gathered)
            }
            return false
        }
        try await process(packet, original: input.original, slot: slot, delivery: delivery)
        return true
    }

    /// The input's packet, or nil when it went to the dead-letter topic: undecodable, or (where
    /// the stage checks deadlines) expired.
    private func admit(_ input: StageInput, delivery: KafkaDeliveryGroup) async throws -> Packet? {
        let packet: Packet
        switch input.packet {
        case .success(let decoded):
            packet = decoded
        case .failure(let error):
            try await deadLetter(input.original, reason: "undecodable input: \(error)", attempt: 1, delivery: delivery)
            return nil
        }
        if stage.behaviour.checksDeadlines, packet.isExpired(atMilliseconds: PacketID.nowMilliseconds()) {
            let deadline = packet.deadlineMilliseconds ?? 0
            try await deadLetter(
                input.original, reason: "deadline passed: \(deadline) ms since epoch, checked at \(PacketID.nowMilliseconds())",
                attempt: packet.attempt, delivery: delivery)
            return nil
        }
        return packet
    }

    /// Handles inputs of a fetched batch with at most `concurrency` handler calls at once,
    /// enqueueing every record in `group` without waiting for acknowledgements; the caller
    /// finishes the tickets once the group is delivered.
    func handleBatch(
        _ items: [(input: StageInput, ticket: OffsetTracker.Ticket)], concurrency: Int, group delivery: KafkaDeliveryGroup
    ) async throws {
        if concurrency <= 1 {
            for item in items {
                _ = try await handle(item.input, ticket: item.ticket, delivery: delivery)
            }
            return
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            var running = 0
            for item in items {
                if running == concurrency {
                    _ = try await group.next()
                    running -= 1
                }
                group.addTask { _ = try await self.handle(item.input, ticket: item.ticket, delivery: delivery) }
                running += 1
            }
            try await group.waitForAll()
        }
    }

    /// The exec handler of a parallel, throughput-first stage that runs one exec packet: the
    /// stage takes the record path, each slice one burst of requests
    /// (``handleRecords(_:at:exec:group:)``). Ordered stages keep their lanes (a program given a
    /// burst could run one key's packets side by side), latency-first ones a task per packet.
    var recordExec: ExecHandler? {
        guard steps.count == 1, aggregator == nil, stage.ordering == .parallel, stage.behaviour.latency != .low else { return nil }
        return steps[0].handler.exec
    }

    /// Runs `packet`, whose attempt failed with `failedOnce`, through its remaining retries;
    /// then its outputs, or its dead-letter record of `original`.
    func retry(_ packet: Packet, original: PacketRecord, failedOnce: any Error, delivery: KafkaDeliveryGroup) async throws {
        try await process(packet, original: original, failedOnce: failedOnce, delivery: delivery)
    }

    /// Collective groups still gathering.
    var openGroups: Int { aggregator?.openGroups ?? 0 }

    /// Sends the collective groups whose timeout passed, incomplete; returns how many left.
    func flushExpiredGroups() async throws -> Int {
        guard let aggregator else { return 0 }
        let due = aggregator.expired(now: clock.now - started)
        for gathered in due { try await finishGathered(gathered) }
        return due.count
    }

    /// Sends a gathered group's aggregate; its members are finished once it is acknowledged,
    /// and a refused aggregate fails the worker (``WorkerFailure``), leaving them uncommitted.
    private func finishGathered(_ gathered: CollectiveAggregator<OffsetTracker.Ticket>.Gathered) async throws {
        let record = PacketWireFormat.record(for: gathered.packet, topic: stage.inputTopics.first ?? stage.name)
        let delivery = KafkaDeliveryGroup()
        try await process(gathered.packet, original: record, delivery: delivery)
        let (tracker, failure, members) = (tracker, failure, gathered.members)
        delivery.onDelivery { error in
            if let error {
                failure.record(RuntimeError(.kafkaFailed, "aggregate of \(members.count) members not delivered: \(error)"))
            } else {
                tracker.finish(members)
            }
        }
    }

    /// The correlation key of a collective member: the stage's key field, else the Kafka key.
    private func correlationKey(of packet: Packet) -> String {
        if let field = stage.key, let value = (try? packet.json())?[path: field] {
            return value.stringValue ?? value.description
        }
        return packet.key.map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// Calls the chain with retries and exponential backoff, then sends the outputs or the
    /// dead-letter record of `original`, which is read only then.
    ///
    /// `failedOnce` is the error of an attempt already made (a batch's request): the next one
    /// is a retry.
    private func process(
        _ packet: Packet, original: @autoclosure () -> PacketRecord, slot: HandlerSlot? = nil, failedOnce: (any Error)? = nil,
        delivery: KafkaDeliveryGroup
    ) async throws {
        var attempt = packet.attempt
        var earlier = failedOnce
        while true {
            var current = packet
            current.attempt = attempt
            let outputs: [Packet]
            do {
                if let failure = earlier {
                    earlier = nil
                    throw failure
                }
                outputs = try await runChain(current)
            } catch {
                guard !failure.hasFailed else {
                    throw RuntimeError(.stopped, "packet \(packet.id) abandoned at attempt \(attempt): the worker is stopping after a failure")
                }
                let maxAttempts = stage.retries + 1
                guard attempt < maxAttempts else {
                    slot?.release()
                    try await deadLetter(original(), reason: "\(error)", attempt: attempt, delivery: delivery)
                    return
                }
                attempt += 1
                logger.debug("retrying", metadata: ["packet": "\(packet.id)", "attempt": "\(attempt)", "error": "\(error)"])
                // Cancelled, the packet is abandoned uncommitted rather than retried at once.
                try await Task.sleep(for: backoff(beforeAttempt: attempt - packet.attempt + 1))
                continue
            }
            slot?.release()
            do {
                try await send(outputs, from: current, delivery: delivery)
            } catch let refusal as Refusal {
                try await deadLetter(original(), reason: refusal.reason, attempt: attempt, delivery: delivery)
            }
            return
        }
    }

    private func backoff(beforeAttempt attempt: Int) -> Duration {
        var wait = stage.initialBackoff
        let cap = stage.maxBackoff
        for _ in 2..<max(2, attempt) { wait = min(wait * 2, cap) }
        return min(wait, cap)
    }

    /// Runs the covalent chain: each packet's results are the next packet's inputs, in memory.
    private func runChain(_ input: Packet) async throws -> [Packet] {
        var current = [input]
        for step in steps {
            let context = HandlerContext(
                molecule: plan.molecule, stage: stage.name, packetName: step.packet.name, attempt: input.attempt,
                logger: logger, stores: stores, cache: cache, budget: budget)
            var next: [Packet] = []
            for index in current.indices {
                current[index].kind = step.packet.name
                next += try await call(step, current[index], context)
            }
            current = next
        }
        return current
    }

    /// One handler call, bounded by the stage timeout (exec handlers bound their own calls).
    private func call(_ step: Step, _ packet: Packet, _ context: HandlerContext) async throws -> [Packet] {
        if step.handler.boundsItself { return try await step.handler.call(packet, context) }
        let timeout = stage.timeout
        let name = step.packet.name
        return try await withThrowingTaskGroup(of: [Packet].self) { group in
            group.addTask { try await step.handler.call(packet, context) }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw RuntimeError(.timedOut, "handler of \(name) did not finish within \(timeout)")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    /// Stamps the outputs (deterministic ids, molecule, stage, trace) and sends each to every
    /// output topic, in order.
    private func send(_ outputs: [Packet], from input: Packet, delivery: KafkaDeliveryGroup) async throws {
        let last = steps.last?.packet
        // Stamped in place: the array is this call's alone, so no packet is copied.
        var outputs = outputs
        for index in outputs.indices {
            outputs[index].id = PacketID(input.id.rawValue + ":" + String(index))!
            outputs[index].molecule = plan.molecule
            outputs[index].stage = stage.name
            outputs[index].kind = last?.name ?? stage.name
            outputs[index].group = last?.group ?? stage.group
            outputs[index].attempt = 1
            if outputs[index].trace == nil { outputs[index].trace = input.trace }
            for (position, topic) in outputTopics.enumerated() {
                do {
                    try await deliver(outputs[index], to: topic, delivery: delivery)
                } catch let error as KafkaError where error.code == .messageTooLarge {
                    throw Refusal(
                        oversizedOutput: outputs[index].payload.count, to: topic, index: index, of: outputs.count,
                        afterOthers: index > 0 || position > 0, attempt: input.attempt)
                }
            }
        }
    }

    func deadLetter(_ original: PacketRecord, reason: String, attempt: Int, delivery: KafkaDeliveryGroup) async throws {
        logger.warning(
            "dead-lettering", metadata: ["source": "\(original.topic)[\(original.partition)]@\(original.offset)", "reason": "\(reason)"])
        let record = DeadLetter.record(
            for: original, topic: plan.deadLetterTopic, reason: reason, molecule: plan.molecule, stage: stage.name, attempt: attempt)
        try await deliver(record, what: "dead-letter record of \(original.topic)[\(original.partition)]@\(original.offset)", delivery: delivery)
    }

    /// Enqueues an output in `delivery`, its headers written straight into the record.
    /// Enqueues `output` to `topic`; one larger than the producer may send comes back as the
    /// `KafkaError` (for ``send(_:from:delivery:)`` to refuse the input), any other failure as
    /// ``RuntimeError`` `kafkaFailed`.
    private func deliver(_ output: Packet, to topic: String, delivery: KafkaDeliveryGroup) async throws {
        meter.recordSent(1)
        do {
            try await producer.enqueue(output, to: topic, group: delivery)
        } catch let error as KafkaError where error.code == .messageTooLarge {
            throw error
        } catch {
            throw RuntimeError(.kafkaFailed, "cannot deliver output \(output.id) to \(topic): \(error)")
        }
    }

    private func deliver(_ record: PacketRecord, what: String, delivery: KafkaDeliveryGroup) async throws {
        meter.recordSent(1)
        do {
            try await producer.enqueue(record.producerMessage, group: delivery)
        } catch {
            throw RuntimeError(.kafkaFailed, "cannot deliver \(what) to \(record.topic): \(error)")
        }
    }
}
