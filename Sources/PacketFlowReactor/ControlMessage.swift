import PacketFlowCore

/// A reactor message for the control topic: a scaling decision or a healing reaction.
///
/// ``packet(molecule:id:createdMilliseconds:)`` makes it an MC packet whose kind is
/// "ScalingDecision" or "HealingReaction", whose key is the stage (so one stage's messages
/// stay in order) and whose payload is a small JSON object with sorted keys carrying the
/// inputs and the reason. The payload text is deterministic: equal messages give equal bytes.
public enum ControlMessage: Sendable, Hashable {
    /// A decision of the autoscaler.
    case scalingDecision(ScalingDecision)
    /// A repair suggested by the health evaluator.
    case healingReaction(HealingReaction)

    /// The packet kind: "ScalingDecision" or "HealingReaction".
    public var kind: String {
        switch self {
        case .scalingDecision: "ScalingDecision"
        case .healingReaction: "HealingReaction"
        }
    }

    /// The stage the message is about.
    public var stage: String {
        switch self {
        case .scalingDecision(let decision): decision.stage
        case .healingReaction(let reaction): reaction.stage
        }
    }

    /// The JSON payload as text, keys sorted.
    ///
    /// A decision carries `type`, `stage`, `group`, `timeSeconds`, `action`, `currentReplicas`,
    /// `desiredReplicas`, `recommendedReplicas`, `reason` (the code), `explanation` (the words)
    /// and `inputs` (lag, rates, per-replica rate and its source, required capacity, model
    /// replicas, bounds, partitions). A reaction carries `type`, `stage`, `target`, `action`,
    /// `reason` and `timeSeconds`. Rates are messages per second rounded to 1/1000.
    public var payloadJSON: String { payloadValue.text }

    /// The message as an MC packet for the control topic.
    ///
    /// `id` and `createdMilliseconds` default to a new ULID and now; pass them for
    /// reproducible packets.
    public func packet(molecule: String?, id: PacketID = .generate(), createdMilliseconds: Int64? = nil) -> Packet {
        Packet(
            id: id, group: .metaComputational, kind: kind, molecule: molecule, stage: stage,
            key: Array(stage.utf8), payload: Array(payloadJSON.utf8), createdMilliseconds: createdMilliseconds)
    }

    private var payloadValue: JSONValue {
        switch self {
        case .scalingDecision(let decision):
            let inputs = decision.inputs
            let estimates = inputs.estimates
            return .object([
                "type": .string(kind),
                "stage": .string(decision.stage),
                "group": .string(decision.group.symbol),
                "timeSeconds": .number(decision.time.inSeconds),
                "action": .string(decision.action.rawValue),
                "currentReplicas": .integer(decision.currentReplicas),
                "desiredReplicas": .integer(decision.desiredReplicas),
                "recommendedReplicas": .integer(decision.recommendedReplicas),
                "reason": .string(decision.reason.rawValue),
                "explanation": .string(decision.explanation),
                "inputs": .object([
                    "lag": .integer(estimates.lag),
                    "inputRate": .number(estimates.inputRate),
                    "processingRate": .number(estimates.processingRate),
                    "lagTrend": .number(estimates.lagTrend),
                    "perReplicaRate": .number(estimates.perReplicaRate),
                    "perReplicaRateSource": .string(estimates.perReplicaRateSource.rawValue),
                    "readyReplicas": .integer(estimates.readyReplicas),
                    "requiredCapacity": .number(inputs.requiredCapacity),
                    "modelReplicas": .integer(inputs.modelReplicas),
                    "minReplicas": .integer(inputs.minReplicas),
                    "maxReplicas": .integer(inputs.maxReplicas),
                    "partitions": .integer(inputs.partitions),
                ]),
            ])
        case .healingReaction(let reaction):
            return .object([
                "type": .string(kind),
                "stage": .string(reaction.stage),
                "target": .string(reaction.target),
                "action": .string(reaction.action.rawValue),
                "reason": .string(reaction.reason),
                "timeSeconds": .number(reaction.time.inSeconds),
            ])
        }
    }
}
