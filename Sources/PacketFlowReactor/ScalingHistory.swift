/// The recent decisions of one stage, which the autoscaler reads for stabilization.
///
/// The reactor keeps one per stage and records every decision, holds included: a scale-in
/// needs evidence that fewer replicas were enough for a whole stabilization window, and the
/// holds are that evidence. Decisions older than ``retention`` before the newest are dropped.
public struct ScalingHistory: Sendable, Hashable {
    /// How far back decisions are kept. Default: 15 minutes, longer than any group's window.
    public var retention: Duration
    /// The kept decisions, oldest first.
    public private(set) var decisions: [ScalingDecision]

    /// Creates a history, optionally seeded with decisions in time order.
    public init(retention: Duration = .seconds(900), decisions: [ScalingDecision] = []) {
        self.retention = retention
        self.decisions = []
        for decision in decisions { record(decision) }
    }

    /// Appends a decision and drops those older than ``retention`` before it.
    public mutating func record(_ decision: ScalingDecision) {
        decisions.append(decision)
        let cutoff = decision.time - retention
        if let keepFrom = decisions.firstIndex(where: { $0.time >= cutoff }), keepFrom > 0 {
            decisions.removeFirst(keepFrom)
        }
    }

    /// The newest decision, if any.
    public var last: ScalingDecision? { decisions.last }

    /// The newest decision that changed the replica count, if any.
    public var lastScaleEvent: ScalingDecision? { decisions.last { $0.action != .hold } }
}
