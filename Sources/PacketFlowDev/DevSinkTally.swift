import Logging
import PacketFlowCore
import PacketFlowKafka
import Synchronization

/// Reads every molecule's sink topics from their start and counts what reached them: records,
/// and distinct packets by `pf-id`, so dev mode tells redelivered packets from new ones.
///
/// Reads in a consumer group of its own. The ids of one dev run fit in memory. Thread-safe.
final class DevSinkTally: Sendable {
    private let counts = Mutex<[String: (records: Int64, ids: Set<String>)]>([:])
    private let moleculeOfTopic: [String: String]
    private let consumer: KafkaConsumer

    /// A tally of `sinks` (topic names per molecule); nothing is read before ``run()``.
    init(sinks: [String: [String]], bootstrapServers: String, properties: [String: String]) throws {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: bootstrapServers, groupID: "pf.dev.sinks.\(PacketID.generate().rawValue)")
        configuration.autoCommit = false
        configuration.fetchWaitMax = .milliseconds(100)
        configuration.sessionTimeout = .seconds(6)
        configuration.properties = properties
        consumer = try KafkaConsumer(configuration: configuration, logger: Logger(label: "packetflow.dev.sinks") { _ in SwiftLogNoOpLogHandler() })
        moleculeOfTopic = Dictionary(sinks.flatMap { molecule, topics in topics.map { ($0, molecule) } }, uniquingKeysWith: { first, _ in first })
    }

    /// Reads until cancelled.
    func run() async {
        do {
            try consumer.subscribe(topics: Array(moleculeOfTopic.keys).sorted())
        } catch {
            return
        }
        await withTaskCancellationHandler {
            for await batch in consumer.batches {
                var seen: [(String, String?)] = []
                batch.forEachRecord { record in
                    var id: String?
                    record.forEachHeader { name, value in
                        if PacketWireFormat.Field(name: name) == .id, let value { id = String(decoding: value, as: UTF8.self) }
                    }
                    seen.append((record.topic, id))
                }
                counts.withLock { counts in
                    for (topic, id) in seen {
                        guard let molecule = moleculeOfTopic[topic] else { continue }
                        counts[molecule, default: (0, [])].records += 1
                        if let id { counts[molecule]!.ids.insert(id) }
                    }
                }
            }
        } onCancel: { [consumer] in
            Task { try? await consumer.close() }
        }
    }

    /// Records read from `molecule`'s sinks, and the distinct packets among them.
    func count(_ molecule: String) -> (records: Int64, distinct: Int64) {
        counts.withLock { counts in
            let entry = counts[molecule]
            return (entry?.records ?? 0, Int64(entry?.ids.count ?? 0))
        }
    }
}
