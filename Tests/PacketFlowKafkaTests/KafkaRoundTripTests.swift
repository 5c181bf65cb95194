import Foundation
import PacketFlowKafka
import PacketFlowTestSupport
import Testing

@Suite("Records round-trip through the embedded cluster")
struct KafkaRoundTripTests {
    @Test("key, value, headers (binary, empty, null) and timestamps survive produce and consume")
    func roundTrip() async throws {
        try await withEmbeddedCluster { cluster in try await roundTrip(on: cluster) }
    }

    private func roundTrip(on cluster: EmbeddedKafkaCluster) async throws {
        let topic = uniqueName("round-trip")
        try cluster.createTopic(topic, partitions: 1)
        let stamp = Date(timeIntervalSince1970: 1_700_000_000.123)
        let sent = [
            KafkaProducerMessage(
                topic: topic,
                key: Array("key-1".utf8),
                value: [0, 1, 2, 0xFF, 0x80],
                headers: [
                    KafkaHeader(key: "binary", value: [0, 0xFF, 0x10]),
                    KafkaHeader(key: "empty", value: []),
                    KafkaHeader(key: "null", value: nil),
                    KafkaHeader(key: "text", value: "héllo"),
                ],
                timestamp: stamp
            ),
            KafkaProducerMessage(topic: topic, key: nil, value: nil),
            KafkaProducerMessage(topic: topic, key: [], value: []),
        ]

        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: cluster.bootstrapServers))
        var reports: [KafkaDeliveryReport] = []
        for message in sent {
            reports.append(try await producer.send(message))
        }
        await producer.close()
        #expect(reports.map(\.offset) == [0, 1, 2])
        #expect(reports.allSatisfy { $0.topic == topic && $0.partition == 0 })

        let received = try await read(3, from: topic, on: cluster)

        #expect(received.map(\.offset) == [0, 1, 2])
        for (got, expected) in zip(received, sent) {
            #expect(got.key == expected.key)
            #expect(got.value == expected.value)
            #expect(got.headers == expected.headers)
        }
        let millis = received[0].timestamp.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) }
        #expect(millis == 1_700_000_000_123)
        #expect(received[1].timestamp != nil)
    }

    @Test("enqueue delivers a burst larger than the local queue and counts it", arguments: [false, true])
    func enqueueBurst(fromBorrowedBytes: Bool) async throws {
        try await withEmbeddedCluster { cluster in try await enqueueBurst(on: cluster, fromBorrowedBytes: fromBorrowedBytes) }
    }

    /// Messages, or borrowed bytes with a prebuilt header list (whose header copies must not
    /// leak when the queue is full and librdkafka refuses the record).
    private func enqueueBurst(on cluster: EmbeddedKafkaCluster, fromBorrowedBytes: Bool) async throws {
        let topic = uniqueName("burst")
        try cluster.createTopic(topic, partitions: 3)
        var configuration = KafkaProducerConfiguration(bootstrapServers: cluster.bootstrapServers)
        configuration.queueMessageLimit = 1_000
        let producer = try KafkaProducer(configuration: configuration)
        let headers = KafkaHeaderList([KafkaHeader(key: "source", value: "burst")])
        let value = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 1)
        defer { value.deallocate() }
        value.initializeMemory(as: UInt8.self, repeating: 0x61)
        for index in 0..<20_000 {
            if fromBorrowedBytes {
                try await producer.enqueue(topic: topic, value: UnsafeRawBufferPointer(value)) {
                    $0.append(contentsOf: headers)
                    $0.append(name: "sequence", value: String(index))
                }
            } else {
                try await producer.enqueue(KafkaProducerMessage(topic: topic, value: Array("record \(index)".utf8)))
            }
        }
        try await producer.flush(timeout: .seconds(30))
        let counts = producer.deliveryCounts
        await producer.close()
        #expect(counts.delivered == 20_000)
        #expect(counts.failed == 0)
    }

    @Test("tryEnqueue says when the queue is full instead of waiting; after waitForRoom the same record goes in")
    func tryEnqueueReportsFullQueue() async throws {
        try await withEmbeddedCluster { cluster in
            let topic = uniqueName("full")
            try cluster.createTopic(topic, partitions: 1)
            var configuration = KafkaProducerConfiguration(bootstrapServers: cluster.bootstrapServers)
            configuration.queueMessageLimit = 100
            let producer = try KafkaProducer(configuration: configuration)
            let value = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 1)
            defer { value.deallocate() }
            value.initializeMemory(as: UInt8.self, repeating: 0x61)
            var fullQueues = 0
            for _ in 0..<2_000 {
                while let full = try producer.tryEnqueue(topic: topic, value: UnsafeRawBufferPointer(value)) {
                    fullQueues += 1
                    await producer.waitForRoom(after: full)
                }
            }
            try await producer.flush(timeout: .seconds(30))
            let counts = producer.deliveryCounts
            await producer.close()
            #expect(fullQueues > 0, "2,000 records never filled a queue of 100")
            #expect(counts.delivered == 2_000)
            #expect(counts.failed == 0)
        }
    }

    @Test("the batch path reads records in place, copies them on demand and stores their offsets")
    func batchPath() async throws {
        try await withEmbeddedCluster { cluster in
            let topic = uniqueName("batches")
            let group = uniqueName("group")
            try cluster.createTopic(topic, partitions: 1)
            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: cluster.bootstrapServers))
            for index in 0..<50 {
                try await producer.enqueue(KafkaProducerMessage(
                    topic: topic,
                    key: [UInt8(index)],
                    value: Array("value \(index)".utf8),
                    headers: [KafkaHeader(key: "index", value: [UInt8(index)]), KafkaHeader(key: "null", value: nil)]
                ))
            }
            try await producer.flush(timeout: .seconds(10))
            await producer.close()

            var configuration = KafkaConsumerConfiguration.forTest(cluster, group: group)
            configuration.autoCommit = false
            let consumer = try KafkaConsumer(configuration: configuration)
            try consumer.subscribe(topics: [topic])
            let (inPlace, copied) = try await within(.seconds(30), "50 records in batches") {
                var inPlace: [[UInt8]] = []
                var copied: [KafkaMessage] = []
                for await batch in consumer.batches {
                    batch.forEachRecord { record in
                        #expect(record.topic == topic)
                        #expect(record.headerCount == 2)
                        #expect(record.header(at: 0).key == "index")
                        #expect(record.header(at: 1).value == nil)
                        inPlace.append(Array(record.value!))
                    }
                    copied += batch
                    // Headers are parsed again for every read (each read frees its copy).
                    for _ in 0..<2 { #expect(batch.first?.headers.map(\.key) == ["index", "null"]) }
                    batch.forEachRecord { #expect($0.headerCount == 2) }
                    try consumer.storeOffsets(of: batch)
                    if copied.count == 50 { break }
                }
                return (inPlace, copied)
            }
            try await consumer.commit()
            try await consumer.close()

            #expect(inPlace == (0..<50).map { Array("value \($0)".utf8) })
            #expect(copied.map(\.value) == inPlace)
            #expect(copied.map(\.headers[0].value) == (0..<50).map { [UInt8($0)] })
            let admin = try KafkaTopicAdmin(bootstrapServers: cluster.bootstrapServers)
            #expect(try await admin.committedOffsets(group: group, topic: topic, partitions: [0]) == [0: 50])
        }
    }
}
