import Foundation
import Logging
import PacketFlowCore
import PacketFlowKafka
import PacketFlowLanguage
import PacketFlowWire
import ServiceLifecycle

/// A worker: runs one stage of a planned molecule as a member of the stage's consumer group.
///
/// A `Service`: run it in a `ServiceGroup` with SIGTERM/SIGINT as graceful shutdown signals.
/// `run()` subscribes to the stage's input topics and hands each message to the stage's
/// handlers with the group's semantics: ordered groups (CF, CO, MC, RM) one message at a time
/// per lane, a lane being a partition's keys that hash to one of `concurrency` slots (so each
/// key keeps its order while other keys of the partition run beside it); parallel groups (DF,
/// ED) a fetched batch at a time in slices handled side by side, or, for latency-first stages
/// whose handlers wait, a task per message up to the stage's concurrency (``Consumption``). No
/// path waits for the broker between packets: outputs are enqueued in order (the idempotent
/// producer keeps the order of records to one partition) and a message is finished once every
/// record it caused is acknowledged. Offsets are committed only below the lowest unfinished
/// message of each partition: at-least-once delivery.
///
/// A record the cluster refuses, or does not acknowledge, fails the worker (``WorkerFailure``):
/// it stops taking input at once, commits what is finished and throws, so the partitions start
/// again from their committed offsets after the restart (nothing skipped, nothing reordered
/// among first deliveries).
///
/// Rebalances (a worker joining, leaving, scaling) are cooperative: only the partitions that
/// change owner move, and the others are handled throughout. Before a partition is revoked the
/// worker stops taking its messages, lets the running ones finish (up to `revocationTimeout`)
/// and commits them, so its next owner, which gets the partition in the rebalance's next
/// round, repeats nothing; messages fetched but not started are left to that owner. Should
/// the group refuse that commit, the worker commits the same positions again before its next
/// assignment is applied. Positions are stored as they move and librdkafka commits them every
/// `commitInterval`, not while the group rebalances. Graceful shutdown drains: stop fetching,
/// finish in-flight packets, commit, leave the group, return. The topics must exist (the CLI
/// ensures them with `TopicProvisioner`).
public final class StageWorker: Service {
    private let configuration: WorkerConfiguration
    private let stage: StagePlan
    private let consumer: KafkaConsumer
    private let producer: KafkaProducer
    private let runner: StageRunner
    private let stores: [StateStore]
    private let execHandlers: [ExecHandler]
    private let tracker = OffsetTracker()
    private let drain = DrainSignal()
    private let failure: WorkerFailure
    private let meter = LoadMeter()
    private let logger: Logger

    /// Creates the worker: resolves the stage's handlers and opens its Kafka clients.
    ///
    /// Nothing is consumed before `run()`. Throws ``RuntimeError`` for an unknown stage,
    /// handler or built-in, and `KafkaError` for properties librdkafka rejects.
    public init(configuration: WorkerConfiguration, handlers: HandlerRegistry = HandlerRegistry(), logger: Logger? = nil) throws {
        let stage = try configuration.stagePlan()
        var logger = logger ?? Logger(label: "packetflow.worker")
        logger[metadataKey: "stage"] = "\(configuration.plan.molecule).\(stage.name)"
        let timeout = stage.timeout
        let steps = try stage.packets.map { packet in
            StageRunner.Step(
                packet: packet, handler: try handlers.resolve(packet.handler, timeout: timeout, instances: packet.instances, logger: logger))
        }
        let behaviour = stage.behaviour

        var consumerConfiguration = KafkaConsumerConfiguration(
            bootstrapServers: configuration.bootstrapServers, groupID: stage.consumerGroup)
        consumerConfiguration.clientID = "packetflow-worker"
        consumerConfiguration.offsetReset = .earliest
        consumerConfiguration.sessionTimeout = configuration.sessionTimeout
        consumerConfiguration.fetchWaitMax = behaviour.fetchWait
        consumerConfiguration.pollBatchSize = behaviour.maxBatch
        // Latency-first groups hand on whatever has arrived instead of waiting for a full batch.
        consumerConfiguration.fillsBatches = behaviour.latency != .low
        consumerConfiguration.bufferedMessageLimit = max(behaviour.maxBatch * 4, 1_000)
        // The worker stores positions below unfinished messages as they move; librdkafka commits
        // them on its timer, which waits while the group rebalances (a commit sent then would be
        // refused, and on the embedded cluster one queued behind a join costs the whole
        // assignment).
        consumerConfiguration.autoCommit = true
        consumerConfiguration.autoCommitInterval = configuration.commitInterval
        consumerConfiguration.autoOffsetStore = false
        consumerConfiguration.properties = configuration.consumerProperties

        var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: configuration.bootstrapServers)
        producerConfiguration.clientID = "packetflow-worker"
        producerConfiguration.linger = behaviour.linger
        producerConfiguration.batchMessageLimit = behaviour.batchMessages
        producerConfiguration.properties = configuration.producerProperties

        let producer = try KafkaProducer(configuration: producerConfiguration, logger: logger)
        let stores = try stage.stateStores.map { name in
            try StateStore(
                name: name, bootstrapServers: configuration.bootstrapServers,
                consumerProperties: configuration.consumerProperties, producerProperties: configuration.producerProperties,
                logger: logger)
        }
        let failure = WorkerFailure(firing: drain)
        let aggregator = stage.collective.map { CollectiveAggregator<OffsetTracker.Ticket>(quorum: $0.quorum, timeout: $0.window) }
        self.failure = failure
        self.configuration = configuration
        self.stage = stage
        self.consumer = try KafkaConsumer(
            configuration: consumerConfiguration, logger: logger,
            onRevoke: Self.revocationHandler(
                tracker: tracker, aggregator: aggregator, failure: failure, timeout: configuration.revocationTimeout, logger: logger),
            onAssign: { [tracker] _ in Self.offsets(tracker.takeHandoverPositions()) },
            handoverDelay: configuration.handoverDelay)
        self.producer = producer
        self.stores = stores
        self.execHandlers = steps.compactMap(\.handler.exec)
        self.runner = try StageRunner(
            configuration: configuration, stage: stage, steps: steps, producer: producer, tracker: tracker,
            failure: failure, meter: meter, stores: stores, aggregator: aggregator, logger: logger)
        self.logger = logger
    }

    /// Collective groups this worker is gathering now (CO stages; 0 for the others).
    public var openGroups: Int { runner.openGroups }

    /// Before partitions are revoked: fence them, wait for their running packets, and hand
    /// back their commit positions for the consumer to commit.
    ///
    /// Runs on the consumer's poll thread (blocking it is allowed there). Packets still running
    /// after `timeout` are abandoned to the next owner: their outputs may repeat, their offsets
    /// are not committed. A worker that failed waits for nothing: its unfinished packets will
    /// not finish. Collective members of the partitions still gathering are dropped from their
    /// groups at once and left uncommitted: whoever owns the partition next reads them again,
    /// so each member counts once and one worker sends the group.
    static func revocationHandler(
        tracker: OffsetTracker, aggregator: CollectiveAggregator<OffsetTracker.Ticket>?, failure: WorkerFailure,
        timeout: Duration, logger: Logger
    ) -> KafkaConsumer.RevocationHandler {
        { revocation in
            let partitions = revocation.partitions
            let revoked = Set(partitions)
            tracker.revoke(partitions, fetchedBatches: revocation.fetchedBatches)
            func dropGathering() {
                guard let aggregator else { return }
                tracker.abandon(aggregator.drop { revoked.contains(KafkaTopicPartition(topic: $0.topic, partition: $0.partition)) })
            }
            dropGathering()
            if !revocation.isLost, !failure.hasFailed {
                // What is finished goes first: should the commit after the wait be refused, only
                // the packets in flight now repeat.
                revocation.commit(offsets(tracker.positions(of: partitions)))
                // A member that was being handled when the fence went up joins its group after
                // the first drop: drop again while waiting.
                let deadline = ContinuousClock.now + timeout
                var settled = false
                while !settled, ContinuousClock.now < deadline {
                    settled = tracker.waitUntilIdle(partitions, timeout: min(.milliseconds(100), deadline - ContinuousClock.now))
                    if !settled { dropGathering() }
                }
                if !settled {
                    logger.warning(
                        "packets still running when their partitions were revoked; their outputs may repeat",
                        metadata: ["running": "\(tracker.runningCount(partitions))", "partitions": "\(revocation.partitions)"])
                }
            }
            let positions = tracker.release(partitions)
            logger.debug(
                "partitions revoked", metadata: [
                    "partitions": "\(revocation.partitions.count)", "lost": "\(revocation.isLost)",
                    "committing": "\(positions.map { "\($0.topic)[\($0.partition)]@\($0.offset)" })",
                ])
            return offsets(positions)
        }
    }

    private static func offsets(_ positions: [OffsetTracker.Position]) -> [KafkaTopicPartition: Int64] {
        Dictionary(positions.map { (KafkaTopicPartition(topic: $0.topic, partition: $0.partition), $0.offset) }, uniquingKeysWith: max)
    }

    /// Runs the stage until graceful shutdown (then drains) or a failure (then commits what is
    /// finished and throws it).
    public func run() async throws {
        let drain = drain
        try await withThrowingTaskGroup(of: Void.self) { background in
            for exec in execHandlers {
                background.addTask { try await exec.run() }
            }
            for store in stores {
                background.addTask { try await store.run() }
            }
            do {
                for store in stores { try await store.waitUntilLoaded(timeout: .seconds(30)) }
            } catch {
                // Handlers computing from a partial state would overwrite what is stored.
                await shutDown(background: &background)
                throw error
            }
            background.addTask { [self] in await storePeriodically(until: drain) }
            // Pause and resume commands on the control topic (StagePauseListener.swift).
            let pauses = StagePauseListener(configuration: configuration, stage: stage.name, logger: logger)
            background.addTask { [consumer] in await pauses.run(pausing: consumer, until: drain) }
            if stage.collective != nil {
                background.addTask { [self] in await flushGroupsPeriodically(until: drain) }
            }
            background.addTask { [self] in await reportLoadPeriodically(until: drain) }
            logger.info(
                "worker started",
                metadata: [
                    "group": "\(stage.consumerGroup)", "inputs": "\(stage.inputTopics.joined(separator: ","))",
                    "outputs": "\(stage.outputTopics.joined(separator: ","))",
                ])
            do {
                try await withGracefulShutdownHandler {
                    try await consume()
                } onGracefulShutdown: {
                    drain.fire()
                }
                if let error = failure.error { throw error }
                try await waitForUnfinished()
            } catch {
                failure.record(error)
                // What finished before the failure is committed: only its repeats are saved.
                try? await commitFinished()
                await shutDown(background: &background)
                throw failure.error ?? error
            }
            drain.fire()
            try await handOver(within: configuration.revocationTimeout)
            await shutDown(background: &background)
            if let error = failure.error { throw error }
            logger.info("worker drained and left its group")
        }
    }

    /// Takes messages until drained or failed; returns once every message taken has been
    /// handled and its outputs acknowledged (or, after a failure, after a short grace).
    private func consume() async throws {
        try consumer.subscribe(topics: stage.inputTopics)
        let inFlight = AsyncPermits(limit: configuration.maxInFlight)
        switch Consumption(stage, inPlace: runner.chain != nil || runner.recordExec != nil) {
        case .records, .batches:
            await consumeBatches()
            return
        case .tasks:
            await consumeConcurrently(inFlight: inFlight)
        case .lanes:
            await consumeInLanes(inFlight: inFlight)
        }
        // Outputs still unacknowledged: their inputs are committed once they are.
        let deadline = ContinuousClock.now + (failure.hasFailed ? Self.failureGrace : configuration.drainTimeout)
        while inFlight.held > 0, ContinuousClock.now < deadline {
            guard (try? await Task.sleep(for: .milliseconds(5))) != nil else { return }
        }
    }

    /// How the worker takes a stage's messages, from its handlers, ordering and latency class.
    enum Consumption: Equatable {
        /// Every handler a built-in, or one exec program of a parallel throughput-first stage:
        /// records handed on in place, a fetched batch at a time in slices; built-ins side by
        /// side for parallel stages, one after the other in fetch order for ordered ones (which
        /// keeps every partition's order, so every key's); a program's slices as bursts of
        /// requests, two at a time.
        case records
        /// A fetched batch at a time in slices, handlers called with the stage's concurrency:
        /// parallel stages whose handlers wait (exec, Swift).
        case batches
        /// A task per message: parallel, latency-first stages whose handlers wait, so a slow
        /// packet never holds up the ones fetched with it.
        case tasks
        /// A message at a time per lane: ordered stages whose handlers wait.
        case lanes

        init(_ stage: StagePlan, inPlace: Bool) {
            if inPlace, stage.collective == nil {
                self = .records
            } else if stage.ordering == .sequentialPerKey {
                self = .lanes
            } else if stage.behaviour.latency == .low {
                self = .tasks
            } else {
                self = .batches
            }
        }
    }

    /// How long a failed worker waits for the acknowledgements of what it already sent.
    private static let failureGrace = Duration.seconds(5)

    /// Parallel stages: a fetched batch at a time, handlers over it with the stage's
    /// concurrency, records enqueued without waiting for acknowledgements.
    ///
    /// The batch goes in slices, each handled by a task of its own: for built-ins a batch's
    /// worth, as many side by side as the machine has cores (parallel stages keep no order); for handlers
    /// that wait, a few times the concurrency, one after the other, so their finished packets
    /// are confirmed as they go. Each slice's records form one delivery group, and the slice's
    /// tickets finish once the group is delivered: handling never stops for an acknowledgement,
    /// a revocation's wait ends as soon as the running packets' outputs are stored, and the
    /// commit follows the acknowledgements. At most `maxUnconfirmedSlices` wait at a time.
    private func consumeBatches() async {
        let batches = consumer.batches
        let concurrency = max(1, stage.concurrency)
        let chain = runner.chain
        let exec = runner.recordExec
        let maxBatch = max(1, stage.behaviour.maxBatch)
        // Built-ins: a fetched batch's worth at a time. An exec program: enough requests to keep
        // it busy for about 25 ms by its measured time per answer, two slices at a time, so it
        // always has the next one queued while no request waits long. Other handlers that wait:
        // a few times the concurrency.
        func sliceSize() -> Int {
            if chain != nil { return maxBatch }
            if let exec { return exec.outstandingTarget(queue: .milliseconds(25), within: concurrency...max(concurrency, maxBatch)) }
            return concurrency * 4
        }
        // Built-ins of a parallel stage run side by side on the cores; an ordered stage's slices
        // one after the other, in fetch order; waiting handlers one slice at a time, each with
        // the stage's concurrency, but for an exec program, two.
        let sideBySide = chain != nil && stage.ordering == .parallel
        let handling = AsyncPermits(
            limit: sideBySide ? max(1, min(concurrency, ProcessInfo.processInfo.activeProcessorCount)) : exec != nil ? 2 : 1)
        let unconfirmed = AsyncPermits(limit: Self.maxUnconfirmedSlices)
        let (runner, tracker, timeout, group) = (runner, tracker, configuration.drainTimeout, stage.group)
        var fetched = 0
        let (failure, meter) = (failure, meter)
        await withDiscardingTaskGroup { slices in
            while let batch = await Self.nextFetchedBatch(batches, unless: drain) {
                fetched += 1
                var next = 0
                while next < batch.count {
                    let start = next
                    next = min(batch.count, start + sliceSize())
                    await unconfirmed.acquire()
                    await handling.acquire()
                    // Once draining or failed, the rest of the batch is left to be fetched again.
                    guard !drain.hasFired else {
                        handling.release()
                        unconfirmed.release()
                        break
                    }
                    // Tickets are taken slice by slice, in fetch order, once the slice can be
                    // handled: a revocation arriving meanwhile fences the rest of the batch
                    // instead of waiting for it.
                    let begun = tracker.begin(batch, at: start..<next, fetched: fetched)
                    guard !begun.isEmpty else {
                        handling.release()
                        unconfirmed.release()
                        continue
                    }
                    slices.addTask {
                        defer { unconfirmed.release() }
                        do {
                            let delivery = KafkaDeliveryGroup()
                            do {
                                meter.begin()
                                defer {
                                    handling.release()
                                    meter.end(handled: begun.count)
                                }
                                do {
                                    if let chain {
                                        try await runner.handleRecords(batch, at: begun.map(\.index), chain: chain, group: delivery)
                                    } else if let exec {
                                        try await runner.handleRecords(batch, at: begun.map(\.index), exec: exec, group: delivery)
                                    } else {
                                        let items = begun.map { (input: StageInput(batch, at: $0.index, defaultGroup: group), ticket: $0.ticket) }
                                        try await runner.handleBatch(items, concurrency: concurrency, group: delivery)
                                    }
                                } catch {
                                    // Recorded before the next slice may start (it waits for
                                    // `handling`): an ordered stage hands on nothing after a
                                    // record it could not.
                                    failure.record(error)
                                    throw error
                                }
                            }
                            try await Self.confirm(begun.map(\.ticket), once: delivery, within: timeout, tracker: tracker)
                        } catch {
                            // Stop taking batches: the worker fails with this error once the
                            // running slices are done.
                            failure.record(error)
                        }
                    }
                }
            }
        }
    }

    /// How many slices of a data-flow stage may wait for their acknowledgements at once.
    private static let maxUnconfirmedSlices = 64

    /// Finishes `tickets` once every record of `delivery` is acknowledged.
    ///
    /// A record the cluster refused, or not acknowledged within `timeout`, fails the worker
    /// (``RuntimeError`` `kafkaFailed`): its input stays uncommitted and comes again after a restart.
    private static func confirm(
        _ tickets: [OffsetTracker.Ticket], once delivery: KafkaDeliveryGroup, within timeout: Duration, tracker: OffsetTracker
    ) async throws {
        do {
            try await delivery.waitForDelivery(timeout: timeout)
        } catch {
            throw RuntimeError(.kafkaFailed, "outputs not acknowledged: \(error)")
        }
        tracker.finish(tickets)
    }

    /// Latency-first parallel stages with waiting handlers: a task per message, up to the
    /// stage's concurrency at once.
    private func consumeConcurrently(inFlight: AsyncPermits) async {
        let handlerSlots = AsyncPermits(limit: max(1, stage.concurrency))
        let (batches, drain, tracker) = (consumer.batches, drain, tracker)
        var fetched = 0
        await withDiscardingTaskGroup { group in
            while let batch = await Self.nextBatch(batches, unless: drain) {
                fetched += 1
                for message in batch {
                    await inFlight.acquire()
                    await handlerSlots.acquire()
                    let ticket = drain.hasFired
                        ? nil : tracker.begin(topic: message.topic, partition: message.partition, offset: message.offset, batch: fetched)
                    guard let ticket else {
                        handlerSlots.release()
                        inFlight.release()
                        continue
                    }
                    group.addTask { [self] in
                        await handleConfirmed(message, ticket: ticket, slot: HandlerSlot(handlerSlots), inFlight: inFlight)
                    }
                }
            }
        }
    }

    /// Ordered groups: one message at a time per lane in fetch order, a lane being a
    /// partition's keys that hash to one of the stage's `concurrency` slots; so each key (and a
    /// partition's keyless messages) keeps its order while other keys run beside it.
    private func consumeInLanes(inFlight: AsyncPermits) async {
        let (batches, drain, tracker, failure) = (consumer.batches, drain, tracker, failure)
        let slots = max(1, stage.concurrency)
        var fetched = 0
        await withDiscardingTaskGroup { group in
            var lanes: [Lane: AsyncStream<(KafkaMessage, OffsetTracker.Ticket)>.Continuation] = [:]
            while let batch = await Self.nextBatch(batches, unless: drain) {
                fetched += 1
                for message in batch {
                    await inFlight.acquire()
                    let queued = drain.hasFired
                        ? nil
                        : tracker.begin(
                            topic: message.topic, partition: message.partition, offset: message.offset, batch: fetched, started: false)
                    guard let ticket = queued else {
                        inFlight.release()
                        continue
                    }
                    let lane = Lane(message, slots: slots)
                    if lanes[lane] == nil {
                        let (stream, continuation) = AsyncStream<(KafkaMessage, OffsetTracker.Ticket)>.makeStream()
                        lanes[lane] = continuation
                        group.addTask { [self] in
                            for await (message, ticket) in stream {
                                // Once draining, or once the partition is being revoked, only the
                                // gaps below what other lanes of the partition started are filled,
                                // so the commit covers all that was done; the rest of the lane stays
                                // unstarted and is fetched again later. Once failed, nothing starts.
                                guard !failure.hasFailed, tracker.start(ticket, onlyGaps: drain.hasFired) else {
                                    inFlight.release()
                                    continue
                                }
                                await handleConfirmed(message, ticket: ticket, slot: nil, inFlight: inFlight)
                            }
                        }
                    }
                    lanes[lane]!.yield((message, ticket))
                }
            }
            for lane in lanes.values { lane.finish() }
        }
    }

    /// Where an ordered message waits its turn: its partition and its key's slot.
    private struct Lane: Hashable {
        var topic: String
        var partition: Int32
        var slot: Int

        init(_ message: KafkaMessage, slots: Int) {
            topic = message.topic
            partition = message.partition
            // FNV-1a over the key: stable across runs and processes, unlike `Hasher`.
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in message.key ?? [] { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            slot = slots == 1 ? 0 : Int(hash % UInt64(slots))
        }
    }

    /// Handles one message with its outputs enqueued, not awaited; its ticket is finished (and
    /// its `inFlight` permit given back) once they are acknowledged. A failure, there or in the
    /// handling, is recorded in ``WorkerFailure`` and leaves the ticket unfinished.
    private func handleConfirmed(_ message: KafkaMessage, ticket: OffsetTracker.Ticket, slot: HandlerSlot?, inFlight: AsyncPermits) async {
        let delivery = KafkaDeliveryGroup()
        let finishes: Bool
        meter.begin()
        defer { meter.end(handled: 1) }
        do {
            finishes = try await runner.handle(message, ticket: ticket, slot: slot, delivery: delivery)
        } catch {
            slot?.release()
            failure.record(error)
            inFlight.release()
            return
        }
        let (tracker, failure) = (tracker, failure)
        delivery.onDelivery { error in
            if let error {
                failure.record(RuntimeError(
                    .kafkaFailed, "outputs of \(ticket.topic)[\(ticket.partition)]@\(ticket.offset) not acknowledged: \(error)"))
            } else if finishes {
                tracker.finish(ticket)
            }
            inFlight.release()
        }
    }

    /// The next fetched batch's messages, or nil once the drain signal fires.
    private static func nextBatch(_ batches: KafkaConsumer.Batches, unless drain: DrainSignal) async -> [KafkaMessage]? {
        await nextFetchedBatch(batches, unless: drain).map { Array($0) }
    }

    /// The next fetched batch, its records still in librdkafka's memory, or nil once the drain
    /// signal fires.
    private static func nextFetchedBatch(_ batches: KafkaConsumer.Batches, unless drain: DrainSignal) async -> KafkaConsumer.Batch? {
        if drain.hasFired { return nil }
        return await withTaskGroup(of: KafkaConsumer.Batch?.self) { group in
            group.addTask {
                var iterator = batches.makeAsyncIterator()
                return await iterator.next()
            }
            group.addTask {
                await drain.wait()
                return nil
            }
            let first = await group.next()!
            group.cancelAll()
            // A batch read while the drain fired is left unfinished: it is fetched again later.
            return drain.hasFired ? nil : first
        }
    }

    /// Waits for collective groups still gathering, bounded by the drain timeout.
    private func waitForUnfinished() async throws {
        let deadline = ContinuousClock.now + configuration.drainTimeout
        while runner.openGroups > 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Stores the commit positions that moved, every `commitInterval`, for librdkafka to commit.
    private func storePeriodically(until drain: DrainSignal) async {
        // A cancelled worker stops at once: its sleeps throw, and so end the loops.
        while !drain.hasFired {
            guard (try? await Task.sleep(for: configuration.commitInterval)) != nil else { return }
            storeFinished()
        }
    }

    /// Reports the worker's load on the control topic every `loadReportInterval` until drained.
    ///
    /// A report that cannot be sent is only logged: the reactor then falls back on lag.
    private func reportLoadPeriodically(until drain: DrainSignal) async {
        let worker = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
        var last = ContinuousClock.now
        _ = meter.take()
        while !drain.hasFired {
            guard (try? await Task.sleep(for: configuration.loadReportInterval)) != nil else { return }
            let now = ContinuousClock.now
            let figures = meter.take()
            let report = WorkerLoadReport(
                molecule: configuration.plan.molecule, stage: stage.name, worker: worker,
                intervalMilliseconds: Int64(((now - last) / .milliseconds(1)).rounded()), packetsIn: figures.packetsIn, packetsOut: figures.packetsOut,
                busyMilliseconds: figures.busy / .milliseconds(1),
                inFlight: tracker.unfinishedCount, reportedAtMilliseconds: PacketID.nowMilliseconds())
            last = now
            do {
                let record = PacketWireFormat.record(for: try report.packet(), topic: configuration.controlTopic)
                try await producer.enqueue(record.producerMessage)
            } catch {
                logger.debug("load report not sent", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Sends the collective groups whose window passed; a failure fails the worker.
    private func flushGroupsPeriodically(until drain: DrainSignal) async {
        while !failure.hasFailed, !drain.hasFired || runner.openGroups > 0 {
            guard (try? await Task.sleep(for: .milliseconds(50))) != nil else { return }
            do {
                _ = try await runner.flushExpiredGroups()
            } catch {
                failure.record(error)
            }
        }
    }

    /// Stores the commit positions that moved since the last call.
    private func storeFinished() {
        let positions = tracker.takeCommitPositions()
        guard !positions.isEmpty else { return }
        do {
            try consumer.store(positions: Self.offsets(positions))
        } catch {
            // A partition revoked meanwhile refuses its position: its revocation committed it.
            logger.debug("positions not stored", metadata: ["error": "\(error)"])
        }
    }

    /// Stores the commit positions that moved and commits everything stored, waiting for the
    /// group's answer: after a failure.
    private func commitFinished() async throws {
        storeFinished()
        do {
            try await consumer.commit()
        } catch {
            // A partition revoked by a rebalance refuses its offset; its messages come again.
            logger.info("offsets not committed; their messages will be delivered again", metadata: ["error": "\(error)"])
        }
    }

    /// Before leaving: commits everything this worker finished (its partitions' positions, and
    /// those of partitions revoked before their hand-over could be committed), where ahead of the
    /// group's commits. A group rebalancing (another worker joining or leaving) refuses commits
    /// for a while, and the partitions' next owners would repeat all of it: tries again every
    /// 500 ms while it refuses, for up to `patience`.
    private func handOver(within patience: Duration) async throws {
        // Stored too: librdkafka commits the stored positions as the consumer closes, and an
        // older one would move the group back behind this commit.
        storeFinished()
        let positions = Self.offsets(tracker.finishedPositions())
        let deadline = ContinuousClock.now + patience
        while true {
            do {
                try await consumer.commit(aheadOnly: positions)
                logger.debug("handed over", metadata: ["positions": "\(positions.count)"])
                return
            } catch let error as KafkaError
                where [.rebalanceInProgress, .illegalGeneration].contains(error.code) && ContinuousClock.now < deadline
            {
                guard (try? await Task.sleep(for: .milliseconds(500))) != nil else { return }
            } catch {
                logger.info("finished work not committed; its packets will be delivered again", metadata: ["error": "\(error)"])
                return
            }
        }
    }

    private func shutDown(background: inout ThrowingTaskGroup<Void, any Error>) async {
        do {
            try await consumer.close()
        } catch {
            logger.warning("did not leave the consumer group cleanly: \(error)")
        }
        for exec in execHandlers { await exec.stop() }
        for store in stores { await store.close() }
        await producer.close(timeout: .seconds(10))
        background.cancelAll()
        while let result = await background.nextResult() {
            if case .failure(let error) = result, !(error is CancellationError) {
                logger.debug("background task ended: \(error)")
            }
        }
    }
}
