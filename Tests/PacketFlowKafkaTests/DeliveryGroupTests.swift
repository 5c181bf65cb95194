import PacketFlowKafka
import PacketFlowTestSupport
import Testing

@Suite("Delivery groups: records enqueued together, acknowledged as a whole", .timeLimit(.minutes(1)))
struct DeliveryGroupTests {
    @Test("waiting for each group returns once its records are stored, and they are not in the producer's counts")
    func delivered() async throws {
        try await withEmbeddedCluster { cluster in
            let topic = uniqueName("grouped")
            try cluster.createTopic(topic, partitions: 3)
            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: cluster.bootstrapServers))
            let first = KafkaDeliveryGroup()
            let second = KafkaDeliveryGroup()
            for index in 0..<500 {
                try await producer.enqueue(KafkaProducerMessage(topic: topic, value: Array("first \(index)".utf8)), group: first)
            }
            for index in 0..<300 {
                let value = Array("second \(index)".utf8)
                while let full = try value.withUnsafeBytes({ try producer.tryEnqueue(topic: topic, value: $0, group: second) }) {
                    await producer.waitForRoom(after: full)
                }
            }
            try await first.waitForDelivery(timeout: .seconds(30))
            try await second.waitForDelivery(timeout: .seconds(30))
            // Grouped records are the groups' to count, not the producer's.
            #expect(producer.deliveryCounts.completed == 0)
            await producer.close()

            let received = try await read(800, from: topic, on: cluster)
            let values = Set(received.compactMap { $0.value.map { String(decoding: $0, as: UTF8.self) } })
            #expect(values.count == 800)
            #expect(values.contains("first 499") && values.contains("second 299"))
        }
    }

    @Test("an empty group is delivered at once")
    func empty() async throws {
        try await KafkaDeliveryGroup().waitForDelivery(timeout: .seconds(5))
    }

    @Test("records that cannot be delivered fail the wait, naming how many")
    func undeliverable() async throws {
        var configuration = KafkaProducerConfiguration(bootstrapServers: UnreachableBrokerTests.deadAddress)
        configuration.messageTimeout = .milliseconds(500)
        let producer = try KafkaProducer(configuration: configuration)
        let group = KafkaDeliveryGroup()
        for index in 0..<3 {
            try await producer.enqueue(KafkaProducerMessage(topic: "nowhere", value: Array("\(index)".utf8)), group: group)
        }
        let error = await #expect(throws: KafkaError.self) {
            try await group.waitForDelivery(timeout: .seconds(30))
        }
        #expect(error?.message.hasPrefix("3 records not delivered, first: delivery to nowhere") == true, "\(String(describing: error))")
        await producer.close(timeout: .seconds(1))
    }

    @Test("a group not acknowledged in time fails the wait with the count still outstanding")
    func timedOut() async throws {
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: UnreachableBrokerTests.deadAddress))
        let group = KafkaDeliveryGroup()
        for index in 0..<2 {
            try await producer.enqueue(KafkaProducerMessage(topic: "nowhere", value: Array("\(index)".utf8)), group: group)
        }
        let error = await #expect(throws: KafkaError.self) {
            try await group.waitForDelivery(timeout: .milliseconds(300))
        }
        #expect(error?.code == .timedOut)
        #expect(error?.message == "2 records still undelivered after 0.3 seconds", "\(String(describing: error))")
        await producer.close(timeout: .seconds(1))
    }

    @Test("a completion runs once every record is stored, at once for an empty group, and with the failure for refused records")
    func completion() async throws {
        try await withEmbeddedCluster { cluster in
            let topic = uniqueName("completed")
            try cluster.createTopic(topic, partitions: 3)
            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: cluster.bootstrapServers))
            let group = KafkaDeliveryGroup()
            for index in 0..<200 {
                try await producer.enqueue(KafkaProducerMessage(topic: topic, value: Array("\(index)".utf8)), group: group)
            }
            let outcome = await withCheckedContinuation { continuation in
                group.onDelivery { continuation.resume(returning: $0) }
            }
            #expect(outcome == nil)
            #expect(try await read(200, from: topic, on: cluster).count == 200, "every record was stored when the completion ran")
            let empty = await withCheckedContinuation { continuation in
                KafkaDeliveryGroup().onDelivery { continuation.resume(returning: $0) }
            }
            #expect(empty == nil)
            await producer.close()
        }
        var configuration = KafkaProducerConfiguration(bootstrapServers: UnreachableBrokerTests.deadAddress)
        configuration.messageTimeout = .milliseconds(500)
        let producer = try KafkaProducer(configuration: configuration)
        let refused = KafkaDeliveryGroup()
        for index in 0..<3 {
            try await producer.enqueue(KafkaProducerMessage(topic: "nowhere", value: Array("\(index)".utf8)), group: refused)
        }
        let failure = await withCheckedContinuation { continuation in
            refused.onDelivery { continuation.resume(returning: $0) }
        }
        #expect(failure?.message.hasPrefix("3 records not delivered, first: delivery to nowhere") == true, "\(String(describing: failure))")
        await producer.close(timeout: .seconds(1))
    }
}
