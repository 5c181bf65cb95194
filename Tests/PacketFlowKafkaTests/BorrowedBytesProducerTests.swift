import Foundation
import PacketFlowKafka
import PacketFlowTestSupport
import Testing

@Suite("Producing from borrowed bytes and prebuilt header lists")
struct BorrowedBytesProducerTests {
    static let constant = [
        KafkaHeader(key: "pf-version", value: "1"),
        KafkaHeader(key: "empty", value: []),
        KafkaHeader(key: "null", value: nil),
        KafkaHeader(key: "pf-version", value: "repeated"),
    ]

    @Test("value, key, a prebuilt list and per-record headers arrive as given, in order")
    func roundTrip() async throws {
        try await withEmbeddedCluster { cluster in try await roundTrip(on: cluster) }
    }

    private func roundTrip(on cluster: EmbeddedKafkaCluster) async throws {
        let topic = uniqueName("borrowed")
        try cluster.createTopic(topic, partitions: 1)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: cluster.bootstrapServers))
        #expect(KafkaHeaderList(Self.constant).count == 4)
        let lines = ["{\"n\":1}", "", "{\"n\":3}"]
        for (index, line) in lines.enumerated() {
            // Borrowed bytes as a reader hands them out; the empty line has no address at all.
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: line.utf8.count, alignment: 1)
            defer { buffer.deallocate() }
            buffer.copyBytes(from: line.utf8)
            let value = line.isEmpty ? UnsafeRawBufferPointer(start: nil, count: 0) : UnsafeRawBufferPointer(buffer)
            try await Self.enqueue(producer, topic: topic, value: value, index: index)
        }
        try await producer.enqueue(topic: topic, value: nil)
        try await producer.flush(timeout: .seconds(30))
        #expect(producer.deliveryCounts.delivered == 4)
        await producer.close()

        let received = try await read(4, from: topic, on: cluster)

        #expect(received.map { $0.value.map { String(decoding: $0, as: UTF8.self) } } == lines + [nil])
        #expect(received[1].value == [])
        #expect(received.map(\.key) == [[0x6B, 0x30], [0x6B, 0x31], [0x6B, 0x32], nil])
        for (index, message) in received.prefix(3).enumerated() {
            #expect(message.headers == [Self.constant[0], KafkaHeader(key: "pf-id", value: "id-\(index)")] + Self.constant.dropFirst())
        }
        #expect(received[3].headers.isEmpty)
    }

    @Test("records for a topic resolved once carry the borrowed key, value and timestamp given")
    func resolvedTopic() async throws {
        try await withEmbeddedCluster { cluster in
            let topic = uniqueName("resolved")
            try cluster.createTopic(topic, partitions: 1)
            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: cluster.bootstrapServers))
            let resolved = producer.topic(topic)
            #expect(resolved.name == topic)
            let created: Int64 = 1_700_000_000_000
            for index in 0..<3 {
                let (key, value) = (Array("k\(index)".utf8), Array("{\"n\":\(index)}".utf8))
                let full = try key.withUnsafeBytes { key in
                    try value.withUnsafeBytes { value in
                        try producer.tryEnqueue(
                            to: resolved, key: index == 2 ? nil : key, value: value, timestampMilliseconds: created + Int64(index)
                        ) { $0.append(name: "pf-id", value: "id-\(index)") }
                    }
                }
                #expect(full == nil, "an empty queue has room")
            }
            try await producer.flush(timeout: .seconds(30))
            #expect(producer.deliveryCounts.delivered == 3)
            await producer.close()

            let received = try await read(3, from: topic, on: cluster)
            #expect(received.map(\.key) == [Array("k0".utf8), Array("k1".utf8), nil])
            #expect(received.map { $0.value.map { String(decoding: $0, as: UTF8.self) } } == (0..<3).map { "{\"n\":\($0)}" })
            #expect(received.map { $0.timestamp.map { Int64(($0.timeIntervalSince1970 * 1_000).rounded()) } } == (0..<3).map { created + Int64($0) })
            #expect(received.map(\.headers) == (0..<3).map { [KafkaHeader(key: "pf-id", value: "id-\($0)")] })
        }
    }

    /// Enqueues one record whose value is `value`, key `k<index>`, headers: the list's first,
    /// then `pf-id`, then the rest (the publisher's layout).
    private static func enqueue(
        _ producer: KafkaProducer, topic: String, value: UnsafeRawBufferPointer, index: Int
    ) async throws {
        let (first, rest) = (KafkaHeaderList([constant[0]]), KafkaHeaderList(Array(constant.dropFirst())))
        try await producer.enqueue(topic: topic, key: Array("k\(index)".utf8), value: value) { headers in
            headers.append(contentsOf: first)
            headers.append(name: "pf-id", value: "id-\(index)")
            headers.append(contentsOf: rest)
        }
    }
}
