import Foundation
import PacketFlowCore
import PacketFlowFileConnectors
import PacketFlowLanguage
import PacketFlowRuntime
import PacketFlowTestSupport
import Testing

@Suite("file and stdout connectors")
struct LineConnectorSinkTests {
    private func connector(_ name: String, _ options: [String: String]) -> ConnectorConfiguration {
        let plan = TopologyPlan(
            molecule: "Shop", stages: [], topics: [], deadLetterTopic: "pf.Shop.dead-letter", stateStores: [],
            placementHints: [], connectors: [])
        return ConnectorConfiguration(
            connector: ConnectorPlan(name: name, options: options, topic: "pf.Shop.connector.\(name)", stages: []),
            plan: plan, bootstrapServers: "unused:9092")
    }

    private func record(_ payload: String, group: String = "DF") -> PacketRecord {
        PacketRecord(
            topic: "pf.Shop.connector.file", partition: 0, offset: 0, timestampMilliseconds: nil, key: nil,
            value: Array(payload.utf8),
            headers: [PacketHeader(name: "pf-id", text: "01J0000000000000000000000A"), PacketHeader(name: "pf-group", text: group)])
    }

    @Test("a file connector appends each payload as one line; a packet with a malformed header is rejected, not written")
    func fileLines() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(uniqueName("file-connector"))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("out.jsonl").path
        let sink = try LineConnectorSink.make(connector: connector("file", ["path": path, "max_bytes": "4096", "keep": "2"]))
        try await sink.prepare()
        let rejections = try await sink.write([record(#"{"n":1}"#), record(#"{"n":2}"#, group: "XX"), record(#"{"n":3}"#)])
        await sink.close()

        #expect(rejections.map(\.index) == [1])
        #expect(rejections.first?.reason.contains("pf-group") == true, "\(rejections)")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"n\":1}\n{\"n\":3}\n")
        #expect(sink.summary == "2 lines written")
    }

    @Test(
        "bad options name the connector and the option",
        arguments: [
            ("file", [:], "needs a path: option"),
            ("file", ["path": "x", "keep": "0"], "keep: must be a positive whole number, not 0"),
            ("file", ["path": "x", "rotate": "1"], "unknown option rotate"),
            ("stdout", ["format": "yaml"], "format: must be payload or annotated, not yaml"),
            ("kafka", [:], "not a file or stdout connector"),
        ] as [(String, [String: String], String)])
    func badOptions(name: String, options: [String: String], message: String) {
        let error = #expect(throws: FileConnectorError.self) { try LineConnectorSink.make(connector: connector(name, options)) }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("molecule Shop") == true)
    }
}
