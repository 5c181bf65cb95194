import Logging
import PacketFlowKafka

/// A one-partition topic the reactor owns (registry, control), with the producer that writes it.
///
/// One partition keeps every record in one order. Opening makes sure the topic exists.
struct ReactorTopic: Sendable {
    let bootstrapServers: String
    let name: String
    let properties: [String: String]
    let producer: KafkaProducer
    let logger: Logger

    /// Ensures the topic (created on a real cluster with `replicationFactor` and `configs`)
    /// and opens its producer; errors are the caller's to word.
    static func open(
        bootstrapServers: String, name: String, properties: [String: String], replicationFactor: Int,
        configs: [String: String], clientID: String, logger: Logger
    ) async throws -> ReactorTopic {
        try await TopicProvisioner(
            bootstrapServers: bootstrapServers, replicationFactor: replicationFactor, properties: properties, logger: logger
        ).ensureTopics([TopicSpec(name: name, partitions: 1, configs: configs)])
        var configuration = KafkaProducerConfiguration(bootstrapServers: bootstrapServers)
        configuration.clientID = clientID
        configuration.properties = properties
        let producer = try KafkaProducer(configuration: configuration, logger: logger)
        return ReactorTopic(
            bootstrapServers: bootstrapServers, name: name, properties: properties, producer: producer, logger: logger)
    }
}
