import PacketFlowKafka
import PacketFlowTestSupport
import Testing

@Suite("Topic administration and lag")
struct KafkaTopicAdminTests {
    @Test("lag per partition equals records produced minus records consumed and committed")
    func lag() async throws {
        try await withEmbeddedCluster { cluster in
            let topic = uniqueName("lag")
            let group = uniqueName("group")
            try cluster.createTopic(topic, partitions: 3)
            let produced: [Int32: Int] = [0: 10, 1: 5, 2: 0]
            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: cluster.bootstrapServers))
            for (partition, count) in produced {
                for index in 0..<count {
                    try await producer.enqueue(KafkaProducerMessage(topic: topic, value: [UInt8(index)], partition: partition))
                }
            }
            try await producer.flush(timeout: .seconds(10))
            await producer.close()

            let admin = try KafkaTopicAdmin(bootstrapServers: cluster.bootstrapServers)
            let before = try await admin.lag(group: group, topic: topic)
            #expect(before.partitions.map(\.lag) == [10, 5, 0])
            #expect(before.partitions.allSatisfy { $0.committed == nil })

            var configuration = KafkaConsumerConfiguration.forTest(cluster, group: group)
            configuration.autoCommit = false
            let consumer = try KafkaConsumer(configuration: configuration)
            try consumer.subscribe(topics: [topic])
            let records = try await collect(15, from: consumer)
            // Processed: the first 4 records of partition 0 and all of partition 1.
            let processed = records.filter { $0.partition == 1 || ($0.partition == 0 && $0.offset < 4) }
            try consumer.storeOffsets(of: processed)
            try await consumer.commit()
            try await consumer.close()

            let after = try await admin.lag(group: group, topic: topic)
            #expect(after.partitions.map(\.partition) == [0, 1, 2])
            #expect(after.partitions.map(\.committed) == [4, 5, nil])
            #expect(after.partitions.map(\.lag) == [6, 0, 0])
            #expect(after.total == 6)
            let committed = try await admin.committedOffsets(group: group, topic: topic, partitions: [0, 1])
            #expect(committed == [0: 4, 1: 5])
        }
    }

    @Test("listing topics and reading watermarks create no topic")
    func readsCreateNothing() async throws {
        try await withEmbeddedCluster { cluster in
            let topic = uniqueName("listed")
            try cluster.createTopic(topic, partitions: 6)
            let admin = try KafkaTopicAdmin(bootstrapServers: cluster.bootstrapServers)
            let missing = uniqueName("missing")
            let error = await #expect(throws: KafkaError.self) { try await admin.watermarks(topic: missing) }
            #expect(error?.code == .unknownTopicOrPartition)
            let topics = try await admin.listTopics()
            #expect(topics.contains(KafkaTopicDescription(name: topic, partitionCount: 6)))
            #expect(!topics.contains { $0.name == missing })
            let marks = try await admin.watermarks(topic: topic)
            #expect(marks.map(\.partition) == Array(0..<6))
            #expect(marks.allSatisfy { $0.low == 0 && $0.high == 0 })
        }
    }

    @Test("ensuring an existing topic succeeds without creating anything")
    func ensureExisting() async throws {
        try await withEmbeddedCluster { cluster in
            let topic = uniqueName("ensured")
            try cluster.createTopic(topic, partitions: 2)
            let admin = try KafkaTopicAdmin(bootstrapServers: cluster.bootstrapServers, timeout: .seconds(3))
            try await admin.ensureTopic(topic, partitions: 2)
            #expect(try await admin.listTopics().first { $0.name == topic }?.partitionCount == 2)
        }
    }
}
