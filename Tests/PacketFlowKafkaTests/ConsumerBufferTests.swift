@testable import PacketFlowKafka
import Testing

@Suite("The consumer's bounded buffer")
struct ConsumerBufferTests {
    static func batch(_ offsets: Range<Int64>) -> [KafkaMessage] {
        offsets.map { KafkaMessage(topic: "t", partition: 0, offset: $0, value: []) }
    }

    @Test("is full at its limit and has room again once a reader takes a batch")
    func backPressure() async {
        let buffer = ConsumerBuffer<[KafkaMessage]>(limit: 4)
        buffer.push(Self.batch(0..<2), count: 2)
        #expect(!buffer.isFull)
        buffer.push(Self.batch(2..<4), count: 2)
        #expect(buffer.isFull)
        let first = await buffer.next()
        #expect(first?.map(\.offset) == [0, 1])
        #expect(!buffer.isFull)
        #expect(buffer.bufferedCount == 2)
    }

    @Test("a waiting reader gets the next batch directly")
    func waitingReader() async {
        let buffer = ConsumerBuffer<[KafkaMessage]>(limit: 4)
        async let taken = buffer.next()
        // The reader may or may not be waiting yet; either way it gets this batch.
        buffer.push(Self.batch(0..<3), count: 3)
        #expect(await taken?.count == 3)
        #expect(buffer.bufferedCount == 0)
    }

    @Test("finishing hands out what is left, then ends")
    func finish() async {
        let buffer = ConsumerBuffer<[KafkaMessage]>(limit: 4)
        buffer.push(Self.batch(0..<1), count: 1)
        buffer.finish()
        #expect(await buffer.next()?.count == 1)
        #expect(await buffer.next() == nil)
    }

    @Test("a cancelled reader gets nil")
    func cancelledReader() async {
        let buffer = ConsumerBuffer<[KafkaMessage]>(limit: 4)
        let reader = Task { await buffer.next() }
        reader.cancel()
        #expect(await reader.value == nil)
    }
}
