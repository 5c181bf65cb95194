import Foundation
import Subprocess

/// kcat, the command-line Kafka client, run as a child process against one bootstrap address.
///
/// Every call is bounded by kcat's own timeouts, so a broken broker fails a test instead of
/// hanging it.
public struct Kcat: Sendable {
    /// The bootstrap address kcat connects to.
    public let bootstrap: String

    /// A kcat bound to `bootstrap`.
    public init(bootstrap: String) {
        self.bootstrap = bootstrap
    }

    /// What `kcat -L -J` reports.
    public struct Metadata: Decodable, Sendable {
        public struct Broker: Decodable, Sendable {
            public let id: Int
            public let name: String
        }

        public struct Topic: Decodable, Sendable {
            public struct Partition: Decodable, Sendable {
                public let partition: Int
            }

            public let topic: String
            public let partitions: [Partition]
        }

        public let brokers: [Broker]
        public let topics: [Topic]

        /// The partition count of `name`, or nil when the cluster does not list it.
        public func partitions(of name: String) -> Int? {
            topics.first { $0.topic == name }?.partitions.count
        }
    }

    /// One message as `kcat -C -J` prints it.
    public struct Message: Decodable, Sendable {
        public let topic: String
        public let partition: Int
        public let offset: Int64
        public let key: String?
        public let payload: String?
        /// kcat prints headers as a flat list: name, value, name, value...
        public let headers: [String]?
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// All-topics metadata (kcat -L names no topic, so nothing is auto-created).
    public func metadata() async throws -> Metadata {
        let output = try await run(["-L", "-J", "-m", "10"])
        return try JSONDecoder().decode(Metadata.self, from: Data(output.utf8))
    }

    /// Produces one message per line of `lines`, each `key:value` (kcat's `-K:`).
    public func produce(topic: String, lines: [String], headers: [(String, String)] = []) async throws {
        var arguments = ["-P", "-t", topic, "-K:"]
        for (name, value) in headers {
            arguments += ["-H", "\(name)=\(value)"]
        }
        _ = try await run(arguments, input: lines.joined(separator: "\n") + "\n")
    }

    /// Reads `topic` from the beginning to its end, as JSON records with headers.
    public func consume(topic: String) async throws -> [Message] {
        let output = try await run(["-C", "-t", topic, "-o", "beginning", "-e", "-J", "-m", "10"])
        return try output.split(separator: "\n").map { line in
            try JSONDecoder().decode(Message.self, from: Data(line.utf8))
        }
    }

    /// Produces each of `values` as one message without a key.
    public func produce(topic: String, values: [String], headers: [(String, String)] = []) async throws {
        var arguments = ["-P", "-t", topic]
        for (name, value) in headers {
            arguments += ["-H", "\(name)=\(value)"]
        }
        _ = try await run(arguments, input: values.joined(separator: "\n") + "\n")
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
