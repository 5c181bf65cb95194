import CRdKafka

/// The one error type of PacketFlowKafka.
///
/// Every failure reported by librdkafka, by the embedded cluster or by a configuration check
/// arrives as a `KafkaError`. `code` says what went wrong in librdkafka's terms, `message`
/// says what happened and, where possible, what to do about it; `description` joins both in
/// one line fit for a log or a terminal.
public struct KafkaError: Error, CustomStringConvertible, Sendable {
    /// A librdkafka error code (`rd_kafka_resp_err_t`) as a Swift value.
    ///
    /// Negative values are librdkafka's own (local) errors, positive ones come from a broker.
    /// `name` is librdkafka's symbolic name, e.g. `_TIMED_OUT` or `TOPIC_ALREADY_EXISTS`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The numeric `rd_kafka_resp_err_t` value.
        public let rawValue: Int32

        /// Wraps a numeric `rd_kafka_resp_err_t` value.
        public init(rawValue: Int32) {
            self.rawValue = rawValue
        }

        init(_ error: rd_kafka_resp_err_t) {
            self.rawValue = error.rawValue
        }

        /// librdkafka's symbolic name for the code, e.g. `_TRANSPORT`.
        public var name: String {
            String(cString: rd_kafka_err2name(rd_kafka_resp_err_t(rawValue)))
        }

        /// librdkafka's human readable explanation of the code.
        public var explanation: String {
            String(cString: rd_kafka_err2str(rd_kafka_resp_err_t(rawValue)))
        }

        /// The code's name, as in `_TIMED_OUT`.
        public var description: String { name }

        /// An operation did not finish in time (`_TIMED_OUT`).
        public static let timedOut = Code(RD_KAFKA_RESP_ERR__TIMED_OUT)
        /// A record is larger than `message.max.bytes` or the topic's limit (`MSG_SIZE_TOO_LARGE`).
        public static let messageTooLarge = Code(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE)
        /// A connection to a broker failed (`_TRANSPORT`).
        public static let transport = Code(RD_KAFKA_RESP_ERR__TRANSPORT)
        /// No broker can be reached (`_ALL_BROKERS_DOWN`).
        public static let allBrokersDown = Code(RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN)
        /// A caller passed an invalid value (`_INVALID_ARG`).
        public static let invalidArgument = Code(RD_KAFKA_RESP_ERR__INVALID_ARG)
        /// A configuration property was rejected (`_INVALID_TYPE` is librdkafka's nearest code).
        public static let invalidConfiguration = Code(RD_KAFKA_RESP_ERR__INVALID_TYPE)
        /// The local producer queue is full (`_QUEUE_FULL`).
        public static let queueFull = Code(RD_KAFKA_RESP_ERR__QUEUE_FULL)
        /// The topic or partition does not exist (`UNKNOWN_TOPIC_OR_PART`).
        public static let unknownTopicOrPartition = Code(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
        /// The topic exists already (`TOPIC_ALREADY_EXISTS`).
        public static let topicAlreadyExists = Code(RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
        /// The client was closed or is being destroyed (`_DESTROY`).
        public static let destroyed = Code(RD_KAFKA_RESP_ERR__DESTROY)
        /// librdkafka raised a fatal error; the client must be recreated (`_FATAL`).
        public static let fatal = Code(RD_KAFKA_RESP_ERR__FATAL)
        /// An internal state did not allow the operation (`_STATE`).
        public static let state = Code(RD_KAFKA_RESP_ERR__STATE)
        /// There were no stored offsets to commit (`_NO_OFFSET`).
        public static let noOffset = Code(RD_KAFKA_RESP_ERR__NO_OFFSET)
        /// The consumer group is rebalancing: a commit now is refused (`REBALANCE_IN_PROGRESS`).
        public static let rebalanceInProgress = Code(RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS)
        /// The member's view of the group is older than the group's: it rejoins
        /// (`ILLEGAL_GENERATION`).
        public static let illegalGeneration = Code(RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION)

        /// Codes that name a passing condition: retrying the same call later may succeed.
        static let transientCodes: Set<Code> = [
            .timedOut, .transport, .allBrokersDown, .queueFull,
            Code(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT),
            Code(RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE),
            Code(RD_KAFKA_RESP_ERR__WAIT_COORD),
            Code(RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION),
            Code(RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE),
            Code(RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION),
            Code(RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT),
            Code(RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION),
            Code(RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS),
            Code(RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE),
            Code(RD_KAFKA_RESP_ERR_NOT_COORDINATOR),
            Code(RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS),
            Code(RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND),
            Code(RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS),
        ]
    }

    /// What went wrong, in librdkafka's terms.
    public let code: Code
    /// What happened and, where known, what to do about it.
    public let message: String
    /// Whether the same operation may succeed if retried later (e.g. a broker was briefly down).
    public let isRetriable: Bool
    /// Whether the client that reported the error is unusable and must be closed and recreated.
    public let isFatal: Bool

    /// Creates an error; `isRetriable` defaults to whether `code` names a passing condition.
    public init(code: Code, message: String, isRetriable: Bool? = nil, isFatal: Bool = false) {
        self.code = code
        self.message = message
        self.isRetriable = isRetriable ?? Code.transientCodes.contains(code)
        self.isFatal = isFatal
    }

    /// One line: the message followed by the code's name, e.g.
    /// `broker 127.0.0.1:9 unreachable: connection refused [_TRANSPORT]`.
    public var description: String {
        "\(message) [\(code.name)]"
    }
}

extension KafkaError {
    /// An error for a failed librdkafka call, with the call's context first.
    init(_ error: rd_kafka_resp_err_t, _ context: String) {
        let code = Code(error)
        self.init(code: code, message: "\(context): \(code.explanation)")
    }

    /// Takes ownership of an `rd_kafka_error_t` (destroying it) and converts it.
    init(consuming error: OpaquePointer, _ context: String) {
        defer { rd_kafka_error_destroy(error) }
        self.init(
            code: Code(rd_kafka_error_code(error)),
            message: "\(context): \(String(cString: rd_kafka_error_string(error)))",
            isRetriable: rd_kafka_error_is_retriable(error) != 0,
            isFatal: rd_kafka_error_is_fatal(error) != 0
        )
    }

    /// Throws when `error` is not `RD_KAFKA_RESP_ERR_NO_ERROR`.
    static func check(_ error: rd_kafka_resp_err_t, _ context: @autoclosure () -> String) throws(KafkaError) {
        if error != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(error, context())
        }
    }
}
