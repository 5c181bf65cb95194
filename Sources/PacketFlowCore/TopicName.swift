/// Kafka's rule for topic names, in one place: 1 to 249 characters from `a-z A-Z 0-9 . _ -`,
/// and neither `.` nor `..`. The planner, topic provisioning and HTTP ingest all check it here.
public enum TopicName {
    /// The longest topic name Kafka accepts, in characters.
    public static let maximumLength = 249

    /// Whether Kafka accepts `name` as a topic name.
    public static func isLegal(_ name: String) -> Bool {
        guard (1...maximumLength).contains(name.utf8.count), name != ".", name != ".." else { return false }
        return name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                true
            default:
                false
            }
        }
    }
}
