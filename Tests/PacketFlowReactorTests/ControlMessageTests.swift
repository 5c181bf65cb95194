import PacketFlowCore
import PacketFlowReactor
import Testing

@Suite("Control messages: decisions and reactions as MC packets")
struct ControlMessageTests {
    @Test("A healing reaction's payload is small, sorted and escaped")
    func healingPayload() {
        let message = ControlMessage.healingReaction(
            HealingReaction(
                stage: "SavePacket", target: "ComputePacket", action: .pauseStage,
                reason: "120 dead-lettered \"storm\"", time: .milliseconds(12_500)))
        #expect(
            message.payloadJSON
                == #"{"action":"pause-stage","reason":"120 dead-lettered \"storm\"","stage":"SavePacket","#
                + #""target":"ComputePacket","timeSeconds":12.5,"type":"HealingReaction"}"#)
        let packet = message.packet(molecule: "ProcessingPipeline", createdMilliseconds: 5)
        #expect(packet.group == .metaComputational)
        #expect(packet.kind == "HealingReaction")
        #expect(packet.stage == "SavePacket")
        #expect(packet.payload == Array(message.payloadJSON.utf8))
    }

    @Test("A scaling decision becomes an MC packet carrying its inputs and reason")
    func decisionPacket() throws {
        let decision = Autoscaler().decide(
            StageScalingInput(
                stage: "ComputePacket", group: .dataFlow, partitions: 12, currentReplicas: 3,
                estimates: SampleFixtures.estimates(
                    lag: 41_000, input: 5_200, trend: 2_000, perReplica: 1_300, ready: 3),
                now: .seconds(64)))
        let id = try #require(PacketID("01JDECISION0000000000000000"))
        let packet = ControlMessage.scalingDecision(decision).packet(
            molecule: "ProcessingPipeline", id: id, createdMilliseconds: 1_000)
        #expect(packet.group == .metaComputational)
        #expect(packet.kind == "ScalingDecision")
        #expect(packet.stage == "ComputePacket")
        #expect(packet.key == Array("ComputePacket".utf8))
        #expect(
            String(decoding: packet.payload, as: UTF8.self)
                == #"{"action":"scale-out","currentReplicas":3,"desiredReplicas":6,"#
                + #""explanation":"ComputePacket: inflow 5.2k/s > capacity 3.9k/s with 3 replicas, lag 41k rising: "#
                + #"scaled 3 -> 6 (step limit, heading for 12)","group":"DF","inputs":{"inputRate":5200,"lag":41000,"#
                + #""lagTrend":2000,"maxReplicas":12,"minReplicas":1,"modelReplicas":12,"partitions":12,"#
                + #""perReplicaRate":1300,"perReplicaRateSource":"measured","processingRate":3200,"readyReplicas":3,"#
                + #""requiredCapacity":8795.238},"reason":"inflow-exceeds-capacity","recommendedReplicas":12,"#
                + #""stage":"ComputePacket","timeSeconds":64,"type":"ScalingDecision"}"#)
    }

    @Test(
        "Status numbers are short and stable",
        arguments: [
            (950.0, "950"), (5_234, "5.2k"), (41_000, "41k"), (999_400, "999k"), (1_260_000, "1.3M"), (0.4, "0"),
        ])
    func compactNumbers(value: Double, text: String) {
        let estimates = SampleFixtures.estimates(lag: 0, input: value, perReplica: nil)
        let decision = Autoscaler().decide(
            StageScalingInput(
                stage: "S", group: .dataFlow, partitions: 12, currentReplicas: 1, estimates: estimates, now: .zero))
        #expect(decision.explanation.hasPrefix("S: inflow \(text)/s,"))
    }
}
