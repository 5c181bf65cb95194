import CRdKafka
import Logging

/// Owns one `rd_kafka_t` handle and destroys it on deinit.
///
/// Built by `make`, which turns ordered properties into an `rd_kafka_conf_t`, lets the caller
/// set callbacks or events on it, and frees the configuration if `rd_kafka_new` fails.
/// `rd_kafka_t` is thread-safe for the calls this module makes, hence `@unchecked Sendable`;
/// the pointer itself never changes.
final class RdKafkaClient: @unchecked Sendable {
    /// The `rd_kafka_t *`; valid until deinit.
    let pointer: OpaquePointer
    /// The object librdkafka's callbacks receive as their opaque; kept alive until after
    /// `rd_kafka_destroy`, which may still call them (a consumer's last rebalance).
    private let callbackTarget: (any Sendable & AnyObject)?

    private init(pointer: OpaquePointer, callbackTarget: (any Sendable & AnyObject)?) {
        self.pointer = pointer
        self.callbackTarget = callbackTarget
    }

    deinit {
        rd_kafka_destroy(pointer)
    }

    /// Creates a client of `type` from `properties`, applied in order (later ones win).
    ///
    /// `configure` runs on the configuration after the properties, e.g. to enable events or
    /// set callbacks; the callbacks' opaque is `callbackTarget`, which the client keeps alive.
    /// Throws `KafkaError` naming the property librdkafka rejects.
    static func make(
        type: rd_kafka_type_t,
        properties: [(key: String, value: String)],
        callbackTarget: (any Sendable & AnyObject)? = nil,
        configure: (OpaquePointer) -> Void = { _ in }
    ) throws(KafkaError) -> RdKafkaClient {
        let conf = try makeConfiguration(properties)
        if let callbackTarget {
            rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(callbackTarget).toOpaque())
        }
        configure(conf)
        var errorText = [CChar](repeating: 0, count: 512)
        guard let handle = rd_kafka_new(type, conf, &errorText, errorText.count) else {
            // rd_kafka_new only takes ownership of the configuration when it succeeds.
            rd_kafka_conf_destroy(conf)
            throw KafkaError(
                code: .invalidConfiguration,
                message: "cannot create the Kafka client: \(String(errorBuffer: errorText))"
            )
        }
        return RdKafkaClient(pointer: handle, callbackTarget: callbackTarget)
    }

    /// Builds an `rd_kafka_conf_t`, freeing it again if a property is rejected.
    static func makeConfiguration(
        _ properties: [(key: String, value: String)]
    ) throws(KafkaError) -> OpaquePointer {
        let conf = rd_kafka_conf_new()!
        rd_kafka_conf_set_log_cb(conf, forwardLibrdkafkaLog)
        var errorText = [CChar](repeating: 0, count: 512)
        for (key, value) in properties {
            let result = rd_kafka_conf_set(conf, key, value, &errorText, errorText.count)
            if result != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                throw KafkaError(
                    code: .invalidConfiguration,
                    message: "invalid Kafka property \(key)=\"\(value)\": \(String(errorBuffer: errorText))"
                )
            }
        }
        return conf
    }
}

/// librdkafka's log lines, through swift-log instead of straight to standard error.
///
/// Connection failures (facility FAIL) go out at debug level: librdkafka retries them on its
/// own, and PacketFlow reports an unreachable cluster as one error of its own
/// (`waitUntilConnected`). Everything else keeps librdkafka's syslog severity.
private func forwardLibrdkafkaLog(
    _ client: OpaquePointer?, _ level: Int32, _ facility: UnsafePointer<CChar>?, _ text: UnsafePointer<CChar>?
) {
    let facility = facility.map { String(cString: $0) } ?? ""
    let swiftLevel: Logger.Level =
        switch level {
        case ...2: .critical
        case 3: facility == "FAIL" ? .debug : .error
        case 4: facility == "FAIL" ? .debug : .warning
        case 5: .notice
        case 6: .info
        default: .debug
        }
    Logger(label: "packetflow.kafka.librdkafka").log(
        level: swiftLevel, "\(text.map { String(cString: $0) } ?? "")", metadata: ["facility": "\(facility)"])
}
