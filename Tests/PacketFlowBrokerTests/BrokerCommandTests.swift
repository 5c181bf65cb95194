import Foundation
import PacketFlowBroker
import PacketFlowKafka
import PacketFlowTestSupport
import Subprocess
import Testing

@Suite("packetflow broker, run as a child process", .timeLimit(.minutes(2)))
struct BrokerCommandTests {
    @Test("serves topics at the address it writes, takes topic requests and stops promptly on SIGTERM")
    func servesAndStops() async throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "pf-broker-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let addressFile = directory.appending(path: "kafka.addr").path
        let requested = "requested-\(UInt32.random(in: 0...UInt32.max))"

        let result = try await Subprocess.run(
            .path(.init(try PacketFlowExecutable.path())),
            arguments: ["broker", "--listen", "127.0.0.1:0", "--address-file", addressFile, "--topic", "t1:6"],
            input: .none,
            output: .string(limit: 1 << 20),
            error: .string(limit: 1 << 20)
        ) { execution in
            let appeared = await eventually { FileManager.default.fileExists(atPath: addressFile) }
            try #require(appeared, "the broker never wrote its address file")
            let address = try String(contentsOfFile: addressFile, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let kcat = Kcat(bootstrap: address)

            #expect(try await kcat.metadata().partitions(of: "t1") == 6)

            try await kcat.produce(topic: TopicRequestChannel.topic, lines: ["\(requested):3"])
            let created = try await eventually(within: .seconds(30)) {
                try await kcat.metadata().partitions(of: requested) == 3
            }
            #expect(created, "the topic request was not served")

            let stopping = ContinuousClock.now
            try execution.send(signal: .terminate)
            return stopping
        }
        let stopTime = ContinuousClock.now - result.closureResult
        #expect(result.terminationStatus == .exited(0), "stderr: \(result.standardError)")
        #expect(stopTime < .seconds(30), "still running \(stopTime) after SIGTERM")
        #expect(result.standardOutput.contains("Kafka bootstrap address: 127.0.0.1:"))
    }

    @Test("Ctrl-C (SIGINT) stops it with exit status 0")
    func stopsOnInterrupt() async throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "pf-broker-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let addressFile = directory.appending(path: "kafka.addr").path

        let result = try await Subprocess.run(
            .path(.init(try PacketFlowExecutable.path())),
            arguments: ["broker", "--brokers", "1", "--listen", "127.0.0.1:0", "--address-file", addressFile],
            input: .none,
            output: .discarded,
            error: .string(limit: 1 << 20)
        ) { execution in
            let appeared = await eventually { FileManager.default.fileExists(atPath: addressFile) }
            try #require(appeared, "the broker never wrote its address file")
            let stopping = ContinuousClock.now
            try execution.send(signal: .interrupt)
            return stopping
        }
        #expect(result.terminationStatus == .exited(0), "stderr: \(result.standardError)")
        #expect(ContinuousClock.now - result.closureResult < .seconds(30), "still running long after SIGINT")
    }

    @Test("a bad flag value gives one line on stderr and a non-zero exit", arguments: [
        (["--brokers", "0"], "at least 1 broker"),
        (["--listen", "nonsense"], "invalid listen address"),
        (["--topic", "orders"], "NAME:PARTITIONS"),
        (["--log-level", "loud"], "invalid log level"),
    ])
    func badFlag(arguments: [String], hint: String) async throws {
        let result = try await Subprocess.run(
            .path(.init(try PacketFlowExecutable.path())),
            arguments: Arguments(["broker"] + arguments),
            output: .string(limit: 1 << 20),
            error: .string(limit: 1 << 20)
        )
        #expect(result.terminationStatus != .exited(0))
        let lines = result.standardError.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(result.standardError)")
        #expect(lines.first?.contains(hint) == true)
    }

    @Test("a port in use gives one line that says so and a non-zero exit")
    func portInUse() async throws {
        try await withRunningBroker(brokers: 1) { _, occupant in
            let result = try await Subprocess.run(
                .path(.init(try PacketFlowExecutable.path())),
                arguments: ["broker", "--brokers", "1", "--listen", "\(occupant.localAddress)"],
                output: .string(limit: 1 << 20),
                error: .string(limit: 1 << 20)
            )
            #expect(result.terminationStatus != .exited(0))
            let lines = result.standardError.split(separator: "\n")
            #expect(lines.count == 1, "stderr: \(result.standardError)")
            #expect(lines.first?.contains("in use") == true)
        }
    }
}
