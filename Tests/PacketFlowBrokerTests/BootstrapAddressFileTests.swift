import Foundation
import PacketFlowBroker
import Testing

@Suite("Bootstrap address file")
struct BootstrapAddressFileTests {
    @Test("holds the address on one line and replaces an older file")
    func writesAndReplaces() throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "pf-address-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = BootstrapAddressFile(path: directory.appending(path: "kafka.addr").path)

        try file.write(ListenAddress(host: "127.0.0.1", port: 9092))
        try file.write(ListenAddress(host: "127.0.0.1", port: 19092))

        #expect(try String(contentsOfFile: file.path, encoding: .utf8) == "127.0.0.1:19092\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["kafka.addr"])
    }

    @Test("a file in a missing folder is reported with its path")
    func missingFolder() {
        let file = BootstrapAddressFile(path: "/nonexistent-\(UUID())/kafka.addr")
        let error = #expect(throws: BrokerError.self) { try file.write(.default) }
        #expect(error?.code == .addressFileFailed)
        #expect(error?.description.contains("kafka.addr") == true)
    }
}
