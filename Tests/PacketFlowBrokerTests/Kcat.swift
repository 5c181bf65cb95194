import Foundation
import Subprocess

/// kcat, the command-line Kafka client, run as a child process against one bootstrap address.
///
/// Every call is bounded by kcat's own timeouts, so a broken broker fails a test instead of
/// hanging it.
struct Kcat {
    let bootstrap: String

    /// What `kcat -L -J` reports.
    struct Metadata: Decodable {
        struct Broker: Decodable {
            let id: Int
            let name: String
        }

        struct Topic: Decodable {
            struct Partition: Decodable {
                let partition: Int
            }

            let topic: String
            let partitions: [Partition]
        }

        let brokers: [Broker]
        let topics: [Topic]

        /// The partition count of `name`, or nil when the cluster does not list it.
        func partitions(of name: String) -> Int? {
            topics.first { $0.topic == name }?.partitions.count
        }
    }

    /// One message as `kcat -C -J` prints it.
    struct Message: Decodable {
        let topic: String
        let partition: Int
        let offset: Int64
        let key: String?
        let payload: String?
        /// kcat prints headers as a flat list: name, value, name, value...
        let headers: [String]?
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// All-topics metadata (kcat -L names no topic, so nothing is auto-created).
    func metadata() async throws -> Metadata {
        let output = try await run(["-L", "-J", "-m", "10"])
        return try JSONDecoder().decode(Metadata.self, from: Data(output.utf8))
    }

    /// Produces one message per line of `lines`, each `key:value` (kcat's `-K:`).
    func produce(topic: String, lines: [String], headers: [(String, String)] = []) async throws {
        var arguments = ["-P", "-t", topic, "-K:"]
        for (name, value) in headers {
            arguments += ["-H", "\(name)=\(value)"]
        }
        _ = try await run(arguments, input: lines.joined(separator: "\n") + "\n")
    }

    /// Reads `topic` from the beginning to its end, as JSON records with headers.
    func consume(topic: String) async throws -> [Message] {
        let output = try await run(["-C", "-t", topic, "-o", "beginning", "-e", "-J", "-m", "10"])
        return try output.split(separator: "\n").map { line in
            try JSONDecoder().decode(Message.self, from: Data(line.utf8))
        }
    }

    private func run(_ arguments: [String], input: String = "") async throws -> String {
        let result = try await Subprocess.run(
            .name("kcat"),
            arguments: Arguments(["-b", bootstrap, "-X", "socket.timeout.ms=10000"] + arguments),
            input: .string(input),
            output: .string(limit: 16 << 20),
            error: .string(limit: 1 << 20)
        )
        guard case .exited(0) = result.terminationStatus else {
            throw Failure(description: "kcat \(arguments.joined(separator: " ")) failed: \(result.terminationStatus) \(result.standardError)")
        }
        return result.standardOutput
    }
}
