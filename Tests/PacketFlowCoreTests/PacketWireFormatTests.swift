import PacketFlowCore
import Testing

@Suite("Wire format")
struct PacketWireFormatTests {
    static let trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    @Test("a full packet is written as the documented headers, in order")
    func goldenEncoding() throws {
        let packet = Packet(
            id: PacketID("01JDQ7Z8K2M4N6P8R0T2V4X6Y8")!,
            group: .dataFlow,
            kind: "ComputePacket",
            molecule: "ProcessingPipeline",
            stage: "ComputePacket",
            key: Array("order-7".utf8),
            payload: Array(#"{"n":1}"#.utf8),
            cost: 5,
            resources: ResourceRequirements(cpu: 0.5, memoryBytes: 268_435_456),
            priority: 2,
            deadlineMilliseconds: 1_764_000_000_000,
            attempt: 3,
            trace: TraceContext(traceparent: Self.trace),
            createdMilliseconds: 1_763_999_999_000,
            otherHeaders: [PacketHeader(name: "tenant", text: "acme")])
        let record = PacketWireFormat.record(for: packet, topic: "pf.ProcessingPipeline.ValidatePacket-ComputePacket")
        let written = record.headers.map { "\($0.name)=\($0.text ?? "<null>")" }
        #expect(written == [
            "pf-version=1", "pf-id=01JDQ7Z8K2M4N6P8R0T2V4X6Y8", "pf-group=DF", "pf-kind=ComputePacket",
            "pf-molecule=ProcessingPipeline", "pf-stage=ComputePacket", "pf-cost=5", "pf-cpu=0.5",
            "pf-memory=268435456", "pf-priority=2", "pf-deadline=1764000000000", "pf-attempt=3",
            "traceparent=\(Self.trace)", "tenant=acme",
        ])
        #expect(record.key == Array("order-7".utf8))
        #expect(record.value == Array(#"{"n":1}"#.utf8))
        #expect(record.timestampMilliseconds == 1_763_999_999_000)
    }

    @Test("a minimal packet carries exactly version, id, group and kind")
    func minimalEncoding() {
        let packet = Packet(group: .eventDriven, kind: "click", payload: Array("{}".utf8))
        #expect(PacketWireFormat.headers(for: packet).map(\.name) == ["pf-version", "pf-id", "pf-group", "pf-kind"])
    }

    @Test("golden headers as a kcat user would type them read as the packet they describe")
    func goldenDecoding() throws {
        let record = PacketRecord(
            topic: "orders", partition: 2, offset: 41, timestampMilliseconds: 1_700_000_000_000,
            key: Array("k1".utf8), value: Array(#"{"total":12.5}"#.utf8),
            headers: [
                PacketHeader(name: "pf-group", text: "cf"),
                PacketHeader(name: "pf-kind", text: "ValidatePacket"),
                PacketHeader(name: "pf-id", text: "order-1"),
                PacketHeader(name: "pf-cost", text: "2.5"),
                PacketHeader(name: "pf-attempt", text: "2"),
                PacketHeader(name: "traceparent", text: Self.trace),
                PacketHeader(name: "source", text: "kcat"),
            ])
        let packet = try PacketWireFormat.packet(from: record)
        #expect(packet.id.rawValue == "order-1")
        #expect(packet.group == .controlFlow)
        #expect(packet.kind == "ValidatePacket")
        #expect(packet.cost == 2.5)
        #expect(packet.attempt == 2)
        #expect(packet.trace?.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(packet.trace?.flags == 1)
        #expect(packet.createdMilliseconds == 1_700_000_000_000)
        #expect(packet.otherHeaders == [PacketHeader(name: "source", text: "kcat")])
    }

    @Test("a foreign message without headers is a packet of its topic's default group")
    func foreignMessage() throws {
        let record = PacketRecord(topic: "clicks", partition: 3, offset: 1_045, timestampMilliseconds: 5, value: Array("hello".utf8))
        let packet = try PacketWireFormat.packet(from: record)
        #expect(packet.group == .eventDriven)
        #expect(packet.kind == "clicks")
        #expect(packet.id.rawValue == "kafka:clicks:3:1045")
        #expect(packet.payload == Array("hello".utf8))
        #expect(packet.attempt == 1)
        let again = try PacketWireFormat.packet(from: record)
        #expect(again.id == packet.id, "re-reading a message must give the same id")
        let asDataFlow = try PacketWireFormat.packet(from: record, defaultGroup: .dataFlow)
        #expect(asDataFlow.group == .dataFlow)
    }

    @Test("a packet written and read back is the same packet")
    func roundTrip() throws {
        let original = Packet(
            group: .collective, kind: "Vote", molecule: "Election", stage: "Tally",
            key: [0, 1, 255], payload: Array(#"{"vote":"yes"}"#.utf8), cost: 0.25,
            resources: ResourceRequirements(cpu: 2, memoryBytes: 1 << 30), priority: -1,
            deadlineMilliseconds: 99, attempt: 4, trace: TraceContext(traceparent: Self.trace),
            createdMilliseconds: 1_234, otherHeaders: [PacketHeader(name: "bin", value: [0, 0xFF]), PacketHeader(name: "null", value: nil)])
        var record = PacketWireFormat.record(for: original, topic: "votes")
        record.partition = 0
        record.offset = 7
        #expect(try PacketWireFormat.packet(from: record) == original)
    }

    @Test(
        "bad header values are typed errors naming the header and the value",
        arguments: [
            ("pf-group", "XX", PacketMetadataError.Code.unknownGroup),
            ("pf-cost", "cheap", .invalidNumber),
            ("pf-cost", "-1", .invalidNumber),
            ("pf-cpu", "nan", .invalidNumber),
            ("pf-memory", "256Mi", .invalidNumber),
            ("pf-attempt", "0", .invalidNumber),
            ("pf-deadline", "tomorrow", .invalidNumber),
            ("pf-priority", "1.5", .invalidNumber),
            ("traceparent", "00-abc-def-01", .invalidTraceparent),
            ("traceparent", "00-00000000000000000000000000000000-00f067aa0ba902b7-01", .invalidTraceparent),
            ("pf-version", "2", .unsupportedVersion),
            ("pf-kind", "", .invalidText),
        ])
    func badHeaders(header: String, value: String, code: PacketMetadataError.Code) {
        let record = PacketRecord(topic: "t", partition: 0, offset: 0, value: [], headers: [PacketHeader(name: header, text: value)])
        #expect(throws: PacketMetadataError(code, header: header, value: value)) {
            try PacketWireFormat.packet(from: record)
        }
    }

    @Test("the error message names the header and the value")
    func errorMessage() {
        let error = PacketMetadataError(.invalidNumber, header: "pf-cost", value: "cheap")
        #expect(error.description == #"header pf-cost: "cheap" is not a valid number"#)
    }
}
