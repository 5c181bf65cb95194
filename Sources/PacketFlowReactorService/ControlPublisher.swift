import PacketFlowCore

/// Where the reactor writes its MC packets: decisions, healing reactions, obeyed overrides.
public protocol ControlPublisher: Sendable {
    /// Writes `packet` to the control topic; throws ``ReactorError`` (`controlFailed`).
    func publish(_ packet: Packet) async throws
}
