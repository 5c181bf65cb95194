import PacketFlowKafka
import Synchronization
import PacketFlowTestSupport
import Testing

@Suite("Consumer groups share partitions")
struct ConsumerGroupTests {
    /// The consumers' assignments, if every partition of `topic` has exactly one owner and
    /// every consumer owns at least one.
    static func exclusiveOwners(of partitionCount: Int, among consumers: [KafkaConsumer]) async throws -> [[KafkaTopicPartition]]? {
        var assignments: [[KafkaTopicPartition]] = []
        for consumer in consumers {
            assignments.append(try await consumer.assignment())
        }
        let owned = assignments.flatMap { $0 }
        guard assignments.allSatisfy({ !$0.isEmpty }),
              owned.count == partitionCount,
              Set(owned.map(\.partition)) == Set(0..<Int32(partitionCount))
        else { return nil }
        return assignments
    }

    @Test("two members split six partitions; a third joining takes two, and only those two are revoked from the others")
    func rebalance() async throws {
        try await withEmbeddedCluster(brokers: 3) { cluster in
            let topic = uniqueName("split")
            let group = uniqueName("group")
            try cluster.createTopic(topic, partitions: 6)
            let configuration = KafkaConsumerConfiguration.forTest(cluster, group: group)
            let first = try KafkaConsumer(configuration: configuration)
            let second = try KafkaConsumer(configuration: configuration)
            try first.subscribe(topics: [topic])
            try second.subscribe(topics: [topic])

            try await waitUntil("two members to share six partitions") {
                try await Self.exclusiveOwners(of: 6, among: [first, second]) != nil
            }
            let split = try await Self.exclusiveOwners(of: 6, among: [first, second])
            #expect(split?.map(\.count) == [3, 3])
            // What the two members are told from now on.
            let events = RebalanceLog()
            let watchers = [first, second].map { consumer in
                Task { for await event in consumer.rebalanceEvents { events.add(event) } }
            }

            let third = try KafkaConsumer(configuration: configuration)
            try third.subscribe(topics: [topic])
            try await waitUntil("three members to share six partitions", within: .seconds(60)) {
                try await Self.exclusiveOwners(of: 6, among: [first, second, third]) != nil
            }
            #expect(try await third.assignment().count == 2)
            // Cooperative: the partitions that moved were revoked, the other four never were.
            #expect(events.revoked.count == 2, "revoked: \(events.revoked)")
            #expect(Set(events.revoked).isSubset(of: Set(try await third.assignment())))
            for consumer in [first, second, third] {
                try await consumer.close()
            }
            for watcher in watchers { watcher.cancel() }
        }
    }

    @Test("hand-over positions are committed before an assignment only where they are ahead: a stale one never moves the group back")
    func handoverNeverRewinds() async throws {
        try await withEmbeddedCluster { cluster in
            let topic = uniqueName("handover")
            let group = uniqueName("group")
            try cluster.createTopic(topic, partitions: 2)
            var configuration = KafkaConsumerConfiguration.forTest(cluster, group: group)
            configuration.autoCommit = false
            configuration.autoOffsetStore = false
            // The group already went to 50 on partition 0 and 5 on partition 1 (another member's work).
            let earlier = try KafkaConsumer(configuration: configuration)
            try earlier.subscribe(topics: [topic])
            try await waitUntil("the first member's assignment") { try await earlier.assignment().count == 2 }
            try earlier.storeOffsets(of: [
                KafkaMessage(topic: topic, partition: 0, offset: 49, value: nil), KafkaMessage(topic: topic, partition: 1, offset: 4, value: nil),
            ])
            try await earlier.commit()
            try await earlier.close()
            // A member that still holds positions from before: 10 (stale) and 20 (ahead).
            let stale = KafkaTopicPartition(topic: topic, partition: 0)
            let ahead = KafkaTopicPartition(topic: topic, partition: 1)
            let member = try KafkaConsumer(configuration: configuration, onAssign: { _ in [stale: 10, ahead: 20] })
            try member.subscribe(topics: [topic])
            try await waitUntil("the second member's assignment") { try await member.assignment().count == 2 }
            let admin = try KafkaTopicAdmin(bootstrapServers: cluster.bootstrapServers)
            let committed = Dictionary(
                uniqueKeysWithValues: try await admin.lag(group: group, topic: topic).partitions.map { ($0.partition, $0.committed) })
            #expect(committed[0] == 50, "a stale hand-over moved the group back")
            #expect(committed[1] == 20)
            try await member.close()
        }
    }

    @Test("a member joining while records flow (a cooperative rebalance pauses and resumes the partitions kept) costs no record")
    func joinSkipsNothing() async throws {
        try await withEmbeddedCluster { cluster in
            let topic = uniqueName("joining")
            try cluster.createTopic(topic, partitions: 6)
            let group = uniqueName("group")
            let count = 60_000
            let seen = LockedOffsets()
            // Records keep coming for 20 s while the second member joins: 300 every 100 ms.
            let producing = Task {
                let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: cluster.bootstrapServers))
                for index in 0..<count {
                    try await producer.enqueue(KafkaProducerMessage(topic: topic, value: Array("\(index)".utf8), partition: Int32(index % 6)))
                    if index % 300 == 299 {
                        try await producer.flush(timeout: .seconds(30))
                        try await Task.sleep(for: .milliseconds(100))
                    }
                }
                try await producer.flush(timeout: .seconds(30))
                await producer.close()
            }
            func member() throws -> (KafkaConsumer, Task<Void, Never>) {
                var configuration = KafkaConsumerConfiguration.forTest(cluster, group: group)
                configuration.autoCommit = false
                let consumer = try KafkaConsumer(configuration: configuration)
                try consumer.subscribe(topics: [topic])
                return (consumer, Task { for await batch in consumer.batches { seen.add(batch) } })
            }
            let first = try member()
            try await waitUntil("the first member reading", within: .seconds(30)) { seen.count > 2_000 }
            let second = try member()
            try await producing.value
            // Read to the end (a skipped record never comes: stop waiting after 30 s).
            let settle = ContinuousClock.now + .seconds(30)
            while seen.distinctPerPartition.values.reduce(0, +) < count, ContinuousClock.now < settle {
                try await Task.sleep(for: .milliseconds(100))
            }
            for (partition, offsets) in seen.offsets {
                let distinct = Set(offsets)
                #expect(distinct == Set(0..<Int64(distinct.count)), "partition \(partition): records skipped")
            }
            for (consumer, reading) in [first, second] {
                try await consumer.close()
                reading.cancel()
            }
        }
    }

    @Test("paused partitions stop delivering until resumed")
    func pauseResume() async throws {
        try await withEmbeddedCluster { cluster in
            let topic = uniqueName("pause")
            try cluster.createTopic(topic, partitions: 1)
            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: cluster.bootstrapServers))
            _ = try await producer.send(KafkaProducerMessage(topic: topic, value: [1]))

            let consumer = try KafkaConsumer(configuration: .forTest(cluster, group: uniqueName("group")))
            try consumer.subscribe(topics: [topic])
            #expect(try await collect(1, from: consumer).first?.value == [1])

            let partition = KafkaTopicPartition(topic: topic, partition: 0)
            try consumer.pause([partition])
            _ = try await producer.send(KafkaProducerMessage(topic: topic, value: [2]))
            let whilePaused = try? await collect(1, from: consumer, within: .seconds(1))
            #expect(whilePaused == nil)

            try consumer.resume([partition])
            #expect(try await collect(1, from: consumer).first?.value == [2])
            try await consumer.close()
            await producer.close()
        }
    }
    @Test("a partition the application paused stays paused through the consumer's own pauses for a full buffer")
    func applicationPauseOutlivesBufferStall() async throws {
        try await withEmbeddedCluster { cluster in
            let topic = uniqueName("stall")
            try cluster.createTopic(topic, partitions: 2)
            var configuration = KafkaConsumerConfiguration.forTest(cluster, group: uniqueName("group"))
            configuration.bufferedMessageLimit = 10
            configuration.pollBatchSize = 10
            let consumer = try KafkaConsumer(configuration: configuration)
            try consumer.subscribe(topics: [topic])
            try await waitUntil("both partitions assigned") { try await consumer.assignment().count == 2 }
            let held = KafkaTopicPartition(topic: topic, partition: 1)
            try consumer.pause([held])

            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: cluster.bootstrapServers))
            for index in 0..<200 {
                try await producer.enqueue(KafkaProducerMessage(topic: topic, value: [UInt8(index % 256)], partition: Int32(index % 2)))
            }
            try await producer.flush(timeout: .seconds(30))
            // Nobody reads for a while: the buffer fills and the poll thread pauses the whole
            // assignment, then resumes it as the reader below makes room.
            try await Task.sleep(for: .milliseconds(600))
            let first = try await collect(100, from: consumer)
            #expect(first.allSatisfy { $0.partition == 0 })
            let more = try? await collect(1, from: consumer, within: .seconds(2))
            #expect(more == nil, "partition 1 was resumed behind the application's back")

            try consumer.resume([held])
            let rest = try await collect(100, from: consumer)
            #expect(rest.allSatisfy { $0.partition == 1 })
            try await consumer.close()
            await producer.close()
        }
    }
}

/// The partitions revoked from the members a test watches.
final class RebalanceLog: Sendable {
    private let partitions = Mutex<[KafkaTopicPartition]>([])

    func add(_ event: KafkaRebalanceEvent) {
        if case .revoked(let revoked) = event { partitions.withLock { $0 += revoked } }
    }

    var revoked: [KafkaTopicPartition] { partitions.withLock { $0 } }
}

/// Offsets read per partition, by consumers reading concurrently.
final class LockedOffsets: Sendable {
    private let state = Mutex<[Int32: [Int64]]>([:])

    func add(_ batch: KafkaConsumer.Batch) {
        let read = batch.indices.map { batch.position(at: $0) }
        state.withLock { offsets in for (_, partition, offset) in read { offsets[partition, default: []].append(offset) } }
    }

    var offsets: [Int32: [Int64]] { state.withLock { $0 } }
    var count: Int { state.withLock { $0.values.reduce(0) { $0 + $1.count } } }
    var distinctPerPartition: [Int32: Int] { state.withLock { $0.mapValues { Set($0).count } } }
}
