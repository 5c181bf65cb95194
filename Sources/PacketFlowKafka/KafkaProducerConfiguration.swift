/// How a `KafkaProducer` connects and batches.
///
/// Typed fields cover what PacketFlow tunes; `properties` passes any other librdkafka
/// property through unchanged and is applied last, so it overrides the typed fields.
public struct KafkaProducerConfiguration: Sendable {
    /// Comma-separated `host:port` list of brokers to bootstrap from.
    public var bootstrapServers: String
    /// The client id brokers log and quota on. Default: `packetflow`.
    public var clientID: String = "packetflow"
    /// Exactly-once, in-order delivery per partition (`enable.idempotence`). Default: `true`.
    public var idempotent: Bool = true
    /// How long to wait for more records before sending a batch (`linger.ms`). Default: 5 ms.
    public var linger: Duration = .milliseconds(5)
    /// Most records in one batch (`batch.num.messages`). Default: 10,000.
    public var batchMessageLimit: Int = 10_000
    /// Most records waiting in the local queue (`queue.buffering.max.messages`); when full,
    /// `KafkaProducer.enqueue` waits for room. Default: 100,000.
    public var queueMessageLimit: Int = 100_000
    /// How long librdkafka keeps retrying a record before reporting it failed
    /// (`message.timeout.ms`). Default: 300 s.
    public var messageTimeout: Duration = .seconds(300)
    /// Raw librdkafka properties, applied after the typed fields. Default: empty.
    public var properties: [String: String] = [:]

    /// Creates a configuration for the cluster at `bootstrapServers`.
    public init(bootstrapServers: String) {
        self.bootstrapServers = bootstrapServers
    }

    /// Every property in the order librdkafka receives it.
    var librdkafkaProperties: [(key: String, value: String)] {
        [
            ("bootstrap.servers", bootstrapServers),
            ("client.id", clientID),
            ("enable.idempotence", String(idempotent)),
            ("linger.ms", String(linger.milliseconds)),
            ("batch.num.messages", String(batchMessageLimit)),
            ("queue.buffering.max.messages", String(queueMessageLimit)),
            ("message.timeout.ms", String(messageTimeout.milliseconds)),
        ] + properties.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
