import Foundation
import PacketFlowReactorService

/// What dev mode shows: the latest status of every molecule, the reactor's scale decisions
/// as they happen, and the packets in and out of each molecule.
///
/// A value fed by ``observe(_:at:)`` with each status poll; it renders the live terminal
/// frame (``frame(width:)``), the status line printed when standard output is not a
/// terminal (``statusLine()``) and the final summary. Not thread-safe: one owner polls it.
public struct DevStatusBoard: Sendable {
    /// One scale decision the reactor made, as the board saw it.
    public struct Decision: Sendable, Hashable {
        /// Seconds since the board started.
        public var second: Int
        /// The molecule.
        public var molecule: String
        /// The stage.
        public var stage: String
        /// scale-out or scale-in.
        public var action: String
        /// The reactor's words.
        public var words: String
    }

    /// Packets that entered a molecule's source topics and reached its sink topics.
    public struct Flow: Sendable, Hashable {
        /// Records in the source topics.
        public var packetsIn: Int64
        /// Records in the sink topics.
        public var packetsOut: Int64
        /// Distinct packets (by `pf-id`) among the sink topics' records read so far; nil when
        /// not counted.
        public var distinctOut: Int64?

        /// A flow count.
        public init(packetsIn: Int64, packetsOut: Int64, distinctOut: Int64? = nil) {
            self.packetsIn = packetsIn
            self.packetsOut = packetsOut
            self.distinctOut = distinctOut
        }

        /// "packets out 900" or, with distinct packets counted, "packets out 900 (900 distinct, 0 duplicates)".
        var outWords: String {
            guard let distinctOut else { return "packets out \(packetsOut)" }
            return "packets out \(packetsOut) (\(distinctOut) distinct, \(max(0, packetsOut - distinctOut)) duplicates)"
        }
    }

    /// The latest status per molecule, in name order.
    public private(set) var statuses: [MoleculeStatus] = []
    /// Every scale decision seen, oldest first.
    public private(set) var decisions: [Decision] = []
    /// The latest flow count per molecule.
    public private(set) var flows: [String: Flow] = [:]
    /// Seconds since the board started at the latest observation.
    public private(set) var second = 0

    private var desired: [String: Int] = [:]

    /// An empty board.
    public init() {}

    /// Records a poll of every molecule's status, `second` seconds into the run.
    ///
    /// A scale decision is logged when a stage's desired replicas change, with the reactor's
    /// last decision as its words, so a decision is seen even when the next sample's "hold"
    /// replaced it before this poll.
    public mutating func observe(_ polled: [MoleculeStatus], at second: Int) {
        self.second = second
        statuses = polled.sorted { $0.molecule < $1.molecule }
        for status in statuses {
            for stage in status.stages {
                let key = "\(status.molecule)/\(stage.stage)"
                if let before = desired[key], before != stage.desiredReplicas {
                    decisions.append(
                        Decision(
                            second: second, molecule: status.molecule, stage: stage.stage,
                            action: stage.desiredReplicas > before ? "scale-out" : "scale-in",
                            words: stage.lastDecision ?? "\(stage.stage): scaled \(before) -> \(stage.desiredReplicas)"))
                }
                desired[key] = stage.desiredReplicas
            }
        }
    }

    /// Records the latest packets in and out of `molecule`.
    public mutating func record(_ flow: Flow, molecule: String) {
        flows[molecule] = flow
    }

    /// Scale-outs seen for `molecule`.
    public func scaleOuts(_ molecule: String) -> Int {
        decisions.filter { $0.molecule == molecule && $0.action == "scale-out" }.count
    }

    /// Scale-ins seen for `molecule`.
    public func scaleIns(_ molecule: String) -> Int {
        decisions.filter { $0.molecule == molecule && $0.action == "scale-in" }.count
    }

    /// The live view for a terminal `width` columns wide: per molecule and stage its group,
    /// consumer group, replicas, lag as a bar, rates and health; then the latest decisions.
    ///
    /// Plain text with ANSI colours; the caller moves the cursor home before writing it.
    public func frame(width: Int = 100) -> String {
        var lines: [String] = []
        let maximumLag = max(1, statuses.flatMap(\.stages).map(\.lag).max() ?? 1)
        let barWidth = max(10, min(30, width - 80))
        for status in statuses {
            let flow = flows[status.molecule]
            lines.append(
                "\u{1B}[1m\(status.molecule)\u{1B}[0m  in \(flow?.packetsIn ?? 0)  out \(flow?.packetsOut ?? 0)"
                    + "  dead letters \(status.deadLetters)")
            lines.append(
                "  " + Self.pad("STAGE", 16) + Self.pad("GRP", 4) + Self.pad("REPLICAS", 9)
                    + Self.pad("LAG", barWidth + 9) + Self.pad("IN/s", 8) + Self.pad("DONE/s", 8) + "HEALTH")
            for stage in status.stages {
                let filled = Int((Double(stage.lag) / Double(maximumLag) * Double(barWidth)).rounded(.up))
                let bar = String(repeating: "█", count: min(filled, barWidth))
                    + String(repeating: "·", count: barWidth - min(filled, barWidth))
                lines.append(
                    "  " + Self.pad(stage.stage, 16) + Self.colour(stage.group) + Self.pad(stage.group, 4) + "\u{1B}[0m"
                        + Self.pad("\(stage.runningReplicas)/\(stage.desiredReplicas)", 9)
                        + bar + " " + Self.pad(String(stage.lag), 8) + Self.pad(Self.rate(stage.inputRate), 8)
                        + Self.pad(Self.rate(stage.processingRate), 8) + Self.health(stage.health))
                lines.append("    \u{1B}[2m\(stage.consumerGroup)\u{1B}[0m")
            }
        }
        lines.append("")
        lines.append("\u{1B}[1mlatest decisions\u{1B}[0m")
        let latest = decisions.suffix(6)
        if latest.isEmpty { lines.append("  none yet") }
        for decision in latest {
            lines.append("  \(Self.clock(decision.second)) \(decision.molecule) \(decision.words)")
        }
        return lines.map { $0 + "\u{1B}[K" }.joined(separator: "\n") + "\n\u{1B}[J"
    }

    /// One line per molecule for logs and pipes: time, packets in/out and each stage's
    /// replicas and lag.
    public func statusLine() -> String {
        statuses.map { status in
            let flow = flows[status.molecule]
            let stages = status.stages.map { "\($0.stage) \($0.runningReplicas)/\($0.desiredReplicas) lag \($0.lag)" }
            return "[\(Self.clock(second))] \(status.molecule): in \(flow?.packetsIn ?? 0) out \(flow?.packetsOut ?? 0); "
                + stages.joined(separator: ", ")
        }.joined(separator: "\n")
    }

    /// The summary printed when dev mode ends: one `summary:` line per molecule, then every
    /// scale decision. Scripts read the `summary:` lines.
    public func summary() -> String {
        var lines = statuses.map { status in
            let flow = flows[status.molecule]
            return "summary: \(status.molecule): packets in \(flow?.packetsIn ?? 0), \(flow?.outWords ?? "packets out 0"), "
                + "scale-outs \(scaleOuts(status.molecule)), scale-ins \(scaleIns(status.molecule)), "
                + "dead letters \(status.deadLetters)"
        }
        for decision in decisions {
            lines.append("  \(Self.clock(decision.second)) \(decision.molecule) \(decision.action): \(decision.words)")
        }
        return lines.joined(separator: "\n")
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text.padding(toLength: width, withPad: " ", startingAt: 0)
    }

    private static func rate(_ value: Double) -> String {
        value >= 10_000 ? String(format: "%.1fk", value / 1_000) : String(format: "%.1f", value)
    }

    private static func clock(_ second: Int) -> String {
        String(format: "%02d:%02d", second / 60, second % 60)
    }

    /// The group colours of the web page, as the nearest 256-colour codes.
    private static func colour(_ group: String) -> String {
        let code = switch group {
        case "CF": 33
        case "DF": 35
        case "ED": 208
        case "CO": 135
        case "MC": 160
        default: 37
        }
        return "\u{1B}[38;5;\(code)m"
    }

    private static func health(_ status: String) -> String {
        status == "OK" ? "\u{1B}[32m\(status)\u{1B}[0m" : "\u{1B}[31m\(status)\u{1B}[0m"
    }
}
