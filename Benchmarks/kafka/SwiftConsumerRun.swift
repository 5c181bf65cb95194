import Foundation
import PacketFlowKafka

/// The Swift side of the consume measurement: the `batches` sequence of a group member.
///
/// The clock starts at the first record, as in the C baseline, so the group join is not
/// measured. Like the baseline it touches every record's key and value length and header
/// count: in place (`copying == false`, role `consume`) through `Batch.forEachRecord`, or
/// as `KafkaMessage` values (role `consume-messages`), which copies every byte array.
struct SwiftConsumerRun {
    var bootstrap: String
    var topic: String
    var group: String
    var count: Int
    var copying: Bool

    func run() async throws {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: bootstrap, groupID: group)
        // As in the baseline: prefetch it all, or librdkafka 2.0.2 pauses up to 1 s per 100k.
        configuration.prefetchMessageLimit = count
        let consumer = try KafkaConsumer(configuration: configuration)
        try consumer.subscribe(topics: [topic])
        let clock = ContinuousClock()
        var start: ContinuousClock.Instant?
        var received = 0
        var bytes = 0
        var headers = 0
        for await batch in consumer.batches {
            if start == nil { start = clock.now }
            if copying {
                for message in batch {
                    bytes += (message.value?.count ?? 0) + (message.key?.count ?? 0)
                    headers += message.headers.count
                }
            } else {
                batch.forEachRecord { record in
                    bytes += (record.value?.count ?? 0) + (record.key?.count ?? 0)
                    headers += record.headerCount
                }
            }
            received += batch.count
            if received >= count { break }
        }
        let elapsed = clock.now - (start ?? clock.now)
        guard received >= count, headers == 3 * received else {
            throw BenchmarkFailure("received \(received) of \(count) records, \(headers) headers, \(bytes) bytes")
        }
        let role = copying ? "consume-messages" : "consume"
        BenchmarkMeasurement.report(side: "swift", role: role, messages: received, seconds: elapsed.seconds)
        try await consumer.close()
    }
}
