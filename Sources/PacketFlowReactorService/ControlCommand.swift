import PacketFlowCore

/// A command for the reactor read from the control topic.
public enum ControlCommand: Sendable, Hashable {
    /// An MC stage's override: pin a stage's replicas or hand it back to the autoscaler.
    case scale(ScaleOverride)
    /// A pause or resume (the reactor's own, read back, or an MC stage's).
    case pause(StagePauseCommand)
    /// A worker's report of its own load: the autoscaler's measure of a replica's capacity.
    case load(WorkerLoadReport)

    /// The command `packet` carries, or nil for other control packets (decisions, reactions).
    public init?(packet: Packet) {
        if let override = ScaleOverride(packet: packet) {
            self = .scale(override)
        } else if let command = StagePauseCommand(packet: packet) {
            self = .pause(command)
        } else if let report = WorkerLoadReport(packet: packet) {
            self = .load(report)
        } else {
            return nil
        }
    }
}
