extension TopologyPlan {
    /// The plan as a few aligned lines for people; `packetflow plan --json` gives all of it.
    public var summary: String {
        var lines = ["molecule \(molecule) (plan format \(version))", "", "stages:"]
        for stage in stages {
            let chain = stage.packets.map(\.name).joined(separator: " → ")
            lines.append("  \(stage.name) [\(stage.group.symbol)] \(chain)")
            lines.append("    consumer group  \(stage.consumerGroup)")
            lines.append("    in              \(stage.inputTopics.joined(separator: ", "))")
            lines.append("    out             \(stage.outputTopics.isEmpty ? "-" : stage.outputTopics.joined(separator: ", "))")
            lines.append("    partitions \(stage.partitions), concurrency \(stage.concurrency), \(stage.ordering.rawValue), "
                + "replicas \(stage.scaling.min)...\(stage.scaling.max), \(stage.placement.rawValue)")
            lines.append("    retries \(stage.retries), timeout \(Int64(stage.timeout / .milliseconds(1))) ms"
                + (stage.key.map { ", key \($0)" } ?? ""))
            if !stage.stateStores.isEmpty {
                lines.append("    state           \(stage.stateStores.joined(separator: ", "))")
            }
        }
        lines += ["", "topics:"]
        let width = topics.map(\.name.count).max() ?? 0
        for topic in topics {
            let padded = topic.name + String(repeating: " ", count: width - topic.name.count)
            var line = "  \(padded)  \(topic.role.rawValue), \(topic.partitions) partition\(topic.partitions == 1 ? "" : "s")"
            if topic.cleanupPolicy == .compact { line += ", compacted" }
            if !topic.managed { line += ", external" }
            lines.append(line)
        }
        if !placementHints.isEmpty {
            lines += ["", "placement hints:"]
            lines += placementHints.map { "  run \($0.stages.joined(separator: " and ")) on one machine when possible" }
        }
        if !connectors.isEmpty {
            lines += ["", "connectors:"]
            lines += connectors.map { "  \($0.name) reads \($0.topic)" }
        }
        lines += ["", "dead letter: \(deadLetterTopic)"]
        return lines.joined(separator: "\n") + "\n"
    }
}
