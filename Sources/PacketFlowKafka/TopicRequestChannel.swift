/// The embedded broker's channel for topic creation requests from other processes.
///
/// librdkafka's mock cluster does not implement the Admin API's CreateTopics, so the embedded
/// broker consumes a 1-partition topic, `__packetflow.topic-requests`, instead. A request is
/// one message: its key is the topic name, its value the partition count in ASCII decimal.
/// From a shell: `echo 'orders:12' | kcat -b 127.0.0.1:9092 -P -t __packetflow.topic-requests -K:`.
/// The broker creates the topic; a topic that exists is left as it is. Requests are
/// fire-and-forget: wait for the topic in all-topics metadata (`TopicProvisioner` does).
public enum TopicRequestChannel {
    /// The request topic's name: `__packetflow.topic-requests`.
    public static let topic = "__packetflow.topic-requests"

    /// The message key and value that request `spec`.
    public static func message(for spec: TopicSpec) -> (key: [UInt8], value: [UInt8]) {
        (Array(spec.name.utf8), Array(String(spec.partitions).utf8))
    }

    /// Reads a request message back into the topic it asks for.
    ///
    /// Surrounding whitespace in the value is ignored (a typed line may carry a line break).
    /// Throws `TopicError` with code `invalidTopicSpec` when the key is missing or not a legal
    /// topic name, or the value is not a positive decimal number.
    public static func spec(key: [UInt8]?, value: [UInt8]?) throws(TopicError) -> TopicSpec {
        let name = key.map { String(decoding: $0, as: UTF8.self) } ?? ""
        let countText = value.map { String(decoding: $0, as: UTF8.self) } ?? ""
        guard !name.isEmpty, let partitions = Int(Substring(countText).trimmingSpaces) else {
            throw TopicError(
                code: .invalidTopicSpec,
                message: "ignored topic request key='\(name)' value='\(countText)': the key must be the topic name and the value its partition count, e.g. key orders, value 12"
            )
        }
        return try TopicSpec(name: name, partitions: partitions)
    }
}
