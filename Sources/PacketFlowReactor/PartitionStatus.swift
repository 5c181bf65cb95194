/// The health of one partition's consumption, in the manner of Burrow, plus LOSS.
///
/// Ordered by severity, so the worst partition of a stage is `max()`. OK and WARN are
/// healthy; REWIND, STALL and STOP are Burrow's errors; LOSS, worst of all, means retention
/// deleted messages the stage never read. The raw value is the upper-case name shown in
/// `packetflow status` and carried in MC packets.
public enum PartitionStatus: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Lag within the allowed lag, or the consumer is keeping up.
    case ok = "OK"
    /// Offsets move but the lag never decreased over the window.
    case warn = "WARN"
    /// The committed offset went backwards (someone reset it, or a consumer re-committed).
    case rewind = "REWIND"
    /// Consumers run but the committed offset never moved over the window while lag waits.
    case stall = "STALL"
    /// No consumer runs and the committed offset never moved while lag waits.
    case stop = "STOP"
    /// The low watermark passed the committed offset: unread messages were deleted.
    case loss = "LOSS"

    /// Whether the status is an error (anything worse than WARN).
    public var isError: Bool { self > .warn }

    private var severity: Int {
        switch self {
        case .ok: 0
        case .warn: 1
        case .rewind: 2
        case .stall: 3
        case .stop: 4
        case .loss: 5
        }
    }

    /// Orders by severity: OK < WARN < REWIND < STALL < STOP < LOSS.
    public static func < (lhs: PartitionStatus, rhs: PartitionStatus) -> Bool { lhs.severity < rhs.severity }
}
