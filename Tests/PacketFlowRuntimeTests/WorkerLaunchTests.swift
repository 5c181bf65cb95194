import Foundation
import Logging
import PacketFlow
import PacketFlowBroker
import PacketFlowKafka
import PacketFlowLanguage
import PacketFlowTestSupport
import Testing

/// What `WorkerLauncher` (and so `packetflow worker`) does before the worker runs.
@Suite("Launching a worker", .timeLimit(.minutes(2)))
struct WorkerLaunchTests {
    static func moleculeFile(_ text: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appending(path: uniqueName("launch"))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appending(path: "m.pf").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("a library-built worker provisions its topics with the clients' properties, as the CLI's does")
    func provisioningUsesTheClientProperties() async throws {
        let file = try Self.moleculeFile("""
            packet CopyPacket { group: DF, handler: builtin("forward") }
            molecule Secure\(UUID().uuidString.prefix(6)) { composition: [CopyPacket] }
            """)
        try await withEmbeddedBroker { bootstrap in
            // The embedded broker speaks plaintext: a client told to use TLS cannot reach it.
            // The launcher must fail in provisioning, where the properties now go too.
            let error = await #expect(throws: (any Error).self) {
                try await WorkerLauncher.run(
                    moleculeFile: file, stage: "CopyPacket", bootstrapServers: bootstrap, handlers: HandlerRegistry(),
                    logger: quietLogger
                ) { configuration in
                    configuration.consumerProperties = ["security.protocol": "ssl"]
                    configuration.producerProperties = ["security.protocol": "ssl"]
                }
            }
            #expect("\(String(describing: error))".contains("cannot list the topics"), "\(String(describing: error))")
        }
    }

    @Test("a source topic that exists with fewer partitions than planned is read as it is")
    func existingSourceWithFewerPartitions() async throws {
        let name = "Sep\(UUID().uuidString.prefix(6))"
        let source = "sep-in-\(UUID().uuidString.prefix(6))"
        let text = """
            packet ReadPacket { group: DF, handler: builtin("forward") }
            molecule \(name) { composition: [ReadPacket], sources: [topic("\(source)")] }
            """
        let file = try Self.moleculeFile(text)
        let plan = try MoleculeProgram.parse(text).plan()
        try await withEmbeddedBroker { bootstrap in
            try await TopicProvisioner(bootstrapServers: bootstrap).ensureTopics([try TopicSpec(name: source, partitions: 4)])
            let packets = (0..<200).map { Packet(group: .dataFlow, kind: "n", payload: Array("{\"n\":\($0)}".utf8)) }
            try await publish(packets, to: source, bootstrap: bootstrap)
            let worker = Task {
                try await WorkerLauncher.run(
                    moleculeFile: file, stage: "ReadPacket", bootstrapServers: bootstrap, handlers: HandlerRegistry(), logger: quietLogger)
            }
            // Reading a topic before it exists would create it with the broker's default count.
            let output = try #require(plan.topics.first { $0.name == plan.stages[0].outputTopics[0] })
            try await TopicProvisioner(bootstrapServers: bootstrap).ensureTopics([try TopicSpec(name: output.name, partitions: output.partitions)])
            let outputs = try await readTopic(output.name, atLeast: 200, bootstrap: bootstrap)
            worker.cancel()
            _ = await worker.result
            #expect(Set(outputs.map(\.text)).count == 200)
        }
    }
}
