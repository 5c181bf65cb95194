import Foundation
import PacketFlowCore

/// A manual replica count for one stage: what `packetflow scale` asks through the reactor's
/// API, and what an MC stage may write to the control topic as a packet.
///
/// The packet's kind is "ScaleOverride", its key the stage, its payload
/// `{"molecule":"M","stage":"S","replicas":N}`; `replicas` null hands the stage back to the
/// autoscaler. The reactor pins the stage at N (within 0 and its partitions) until then.
public struct ScaleOverride: Sendable, Hashable, Codable {
    /// The MC packet kind.
    public static let kind = "ScaleOverride"

    /// The molecule.
    public var molecule: String
    /// The stage.
    public var stage: String
    /// The replicas to run, or nil to return to autoscaling.
    public var replicas: Int?

    /// Creates an override.
    public init(molecule: String, stage: String, replicas: Int?) {
        self.molecule = molecule
        self.stage = stage
        self.replicas = replicas
    }

    /// The override as an MC packet for the control topic.
    public func packet() throws -> Packet {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var payload = Array(try encoder.encode(self))
        if replicas == nil {
            // Codable leaves a nil out; the wire format says null explicitly.
            payload = Array((String(decoding: payload.dropLast(), as: UTF8.self) + ",\"replicas\":null}").utf8)
        }
        return Packet(
            group: .metaComputational, kind: Self.kind, molecule: molecule, stage: stage, key: Array(stage.utf8),
            payload: payload)
    }

    /// The override carried by `packet`, or nil when it is another kind of control packet.
    public init?(packet: Packet) {
        guard packet.group == .metaComputational, packet.kind == Self.kind,
            let override = try? JSONDecoder().decode(ScaleOverride.self, from: Data(packet.payload))
        else { return nil }
        self = override
    }
}
