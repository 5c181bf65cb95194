#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What one worker did over its last reporting interval, an MC packet on the control topic.
///
/// Kind `WorkerLoad`, key the stage, payload
/// `{"busyMilliseconds":412.5,"inFlight":3,"intervalMilliseconds":2000,"molecule":"M","packetsIn":830,"packetsOut":830,"reportedAtMilliseconds":1733520000000,"stage":"S","worker":"host-4242"}`.
/// Every worker writes one per interval; the reactor reads them to learn a replica's true
/// capacity from the first interval on (Flink's busy time, DS2's true processing rate)
/// instead of inferring it from lag.
///
/// `busyMilliseconds` is the time during which at least one handler call ran, so a worker
/// that is busy all the time reports `intervalMilliseconds`.
public struct WorkerLoadReport: Sendable, Hashable, Codable {
    /// The MC packet kind of a report.
    public static let kind = "WorkerLoad"

    /// The molecule.
    public var molecule: String
    /// The stage.
    public var stage: String
    /// Which worker: host and process id.
    public var worker: String
    /// The interval the figures cover, in milliseconds.
    public var intervalMilliseconds: Int64
    /// Inputs handled in the interval.
    public var packetsIn: Int
    /// Records sent in the interval (outputs and dead letters).
    public var packetsOut: Int
    /// Time in the interval during which at least one handler call ran, in milliseconds.
    public var busyMilliseconds: Double
    /// Inputs taken and not yet finished when the report was made.
    public var inFlight: Int
    /// When the report was made, in milliseconds since the Unix epoch.
    public var reportedAtMilliseconds: Int64

    /// Creates a report.
    public init(
        molecule: String, stage: String, worker: String, intervalMilliseconds: Int64, packetsIn: Int, packetsOut: Int,
        busyMilliseconds: Double, inFlight: Int, reportedAtMilliseconds: Int64
    ) {
        self.molecule = molecule
        self.stage = stage
        self.worker = worker
        self.intervalMilliseconds = intervalMilliseconds
        self.packetsIn = packetsIn
        self.packetsOut = packetsOut
        self.busyMilliseconds = busyMilliseconds
        self.inFlight = inFlight
        self.reportedAtMilliseconds = reportedAtMilliseconds
    }

    /// The share of the interval the worker spent handling, 0...1.
    public var busyFraction: Double {
        guard intervalMilliseconds > 0 else { return 0 }
        return min(1, busyMilliseconds / Double(intervalMilliseconds))
    }

    /// Inputs per second the worker would handle if it were busy all the time (its true
    /// processing rate), or nil when it handled too little to tell.
    public var capacity: Double? {
        guard packetsIn >= Self.minimumPackets, busyMilliseconds > 0 else { return nil }
        return Double(packetsIn) / (busyMilliseconds / 1_000)
    }

    /// Inputs an interval needs before its capacity is trusted: fewer, and timer granularity
    /// and one slow packet dominate.
    public static let minimumPackets = 10

    /// The report as an MC packet for the control topic.
    public func packet() throws -> Packet {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Packet(
            group: .metaComputational, kind: Self.kind, molecule: molecule, stage: stage, key: Array(stage.utf8),
            payload: Array(try encoder.encode(self)))
    }

    /// The report carried by `packet`, or nil when it is another kind of control packet.
    public init?(packet: Packet) {
        guard packet.group == .metaComputational, packet.kind == Self.kind,
            let report = try? JSONDecoder().decode(Self.self, from: Data(packet.payload))
        else { return nil }
        self = report
    }
}
