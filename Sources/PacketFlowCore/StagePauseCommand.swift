#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A pause or resume of one stage's workers, an MC packet on the control topic.
///
/// Kind `PauseStage` or `ResumeStage`, key the stage, payload
/// `{"molecule":"M","reason":"...","stage":"S"}`. The stage's workers obey it directly
/// (`StagePauseListener` in PacketFlowRuntime): a paused worker keeps its partitions but
/// fetches nothing until resumed. The reactor writes a pause as the
/// healing reaction to a dead-letter storm downstream, and by hand when `packetflow pause` or
/// `packetflow resume` asks it through its API; the reactor reads them all and shows the
/// stage as paused, with the reason, until a resume.
public struct StagePauseCommand: Sendable, Hashable {
    /// The MC packet kind of a pause.
    public static let pauseKind = "PauseStage"
    /// The MC packet kind of a resume.
    public static let resumeKind = "ResumeStage"

    /// The molecule.
    public var molecule: String
    /// The stage whose workers pause or resume.
    public var stage: String
    /// True to pause, false to resume.
    public var pause: Bool
    /// Why, in words (shown in `packetflow status` while paused).
    public var reason: String

    /// Creates a command.
    public init(molecule: String, stage: String, pause: Bool, reason: String) {
        self.molecule = molecule
        self.stage = stage
        self.pause = pause
        self.reason = reason
    }

    private struct Payload: Codable {
        var molecule: String
        var reason: String
        var stage: String
    }

    /// The command as an MC packet for the control topic.
    public func packet() throws -> Packet {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Packet(
            group: .metaComputational, kind: pause ? Self.pauseKind : Self.resumeKind, molecule: molecule, stage: stage,
            key: Array(stage.utf8),
            payload: Array(try encoder.encode(Payload(molecule: molecule, reason: reason, stage: stage))))
    }

    /// The command carried by `packet`, or nil when it is another kind of control packet.
    public init?(packet: Packet) {
        guard packet.group == .metaComputational, packet.kind == Self.pauseKind || packet.kind == Self.resumeKind,
            let payload = try? JSONDecoder().decode(Payload.self, from: Data(packet.payload))
        else { return nil }
        self.init(
            molecule: payload.molecule, stage: payload.stage, pause: packet.kind == Self.pauseKind, reason: payload.reason)
    }
}
