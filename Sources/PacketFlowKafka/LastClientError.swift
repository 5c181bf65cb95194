import CRdKafka

/// The error text worth showing a user from the errors librdkafka raised for one client.
///
/// librdkafka follows a refused connection with "1/1 brokers are down", which says less;
/// this keeps the connection failure unless nothing else was seen.
struct LastClientError: Sendable {
    /// The text to show, `nil` until an error was recorded.
    private(set) var text: String?

    /// Records one error librdkafka raised.
    mutating func record(_ code: rd_kafka_resp_err_t, _ newText: String) {
        if code != RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN || text == nil {
            text = newText
        }
    }
}
