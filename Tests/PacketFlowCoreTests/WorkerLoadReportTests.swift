import PacketFlowCore
import Testing

@Suite("Worker load reports")
struct WorkerLoadReportTests {
    static func report(packetsIn: Int, busyMilliseconds: Double, intervalMilliseconds: Int64 = 2_000) -> WorkerLoadReport {
        WorkerLoadReport(
            molecule: "Checkout", stage: "ComputePacket", worker: "host-42", intervalMilliseconds: intervalMilliseconds,
            packetsIn: packetsIn, packetsOut: packetsIn, busyMilliseconds: busyMilliseconds, inFlight: 3,
            reportedAtMilliseconds: 1_733_520_000_000)
    }

    @Test("a worker's true rate is what it handled per second of busy time; too few packets tell nothing")
    func capacity() {
        // 150 packets at 10 ms each in a 2 s interval: busy 1.5 s, so 100 a second when saturated.
        let light = Self.report(packetsIn: 150, busyMilliseconds: 1_500)
        #expect(light.capacity == 100)
        #expect(light.busyFraction == 0.75)
        #expect(Self.report(packetsIn: 9, busyMilliseconds: 90).capacity == nil)
        #expect(Self.report(packetsIn: 500, busyMilliseconds: 0).capacity == nil)
        #expect(Self.report(packetsIn: 500, busyMilliseconds: 2_500).busyFraction == 1)
    }

    @Test("a report travels as a WorkerLoad MC packet keyed by its stage and reads back equal; other packets are not reports")
    func packetRoundTrip() throws {
        let report = Self.report(packetsIn: 830, busyMilliseconds: 412.5)
        let packet = try report.packet()
        #expect(packet.group == .metaComputational)
        #expect(packet.kind == WorkerLoadReport.kind)
        #expect(packet.key == Array("ComputePacket".utf8))
        #expect(WorkerLoadReport(packet: packet) == report)
        let record = PacketWireFormat.record(for: packet, topic: "pf.control")
        #expect(WorkerLoadReport(packet: try PacketWireFormat.packet(from: record, defaultGroup: .metaComputational)) == report)
        let pause = try StagePauseCommand(molecule: "Checkout", stage: "ComputePacket", pause: true, reason: "storm").packet()
        #expect(WorkerLoadReport(packet: pause) == nil)
    }
}
