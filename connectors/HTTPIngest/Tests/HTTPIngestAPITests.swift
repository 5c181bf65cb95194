import Foundation
import Hummingbird
import HummingbirdTesting
import PacketFlowHTTPIngest
import PacketFlowJSON
import PacketFlowKafka
import PacketFlowTestSupport
import Testing

@Suite("HTTP ingest API", .timeLimit(.minutes(2)))
struct HTTPIngestAPITests {
    static let token = "t0ken"

    /// Runs `body` with an API over a producer to `bootstrap`, closing the producer afterwards.
    private func withAPI(
        bootstrap: String,
        configure: (inout IngestConfiguration, inout KafkaProducerConfiguration) -> Void = { _, _ in },
        _ body: @escaping @Sendable (any TestClientProtocol, IngestPublisher) async throws -> Void
    ) async throws {
        var configuration = IngestConfiguration()
        configuration.createTopics = false
        var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: bootstrap)
        producerConfiguration.linger = .milliseconds(1)
        configure(&configuration, &producerConfiguration)
        let producer = try KafkaProducer(configuration: producerConfiguration)
        let publisher = IngestPublisher(producer: producer, provisioner: nil, configuration: configuration)
        let application = Application(router: HTTPIngestAPI(publisher: publisher, configuration: configuration).router())
        do {
            try await application.test(.router) { client in try await body(client, publisher) }
        } catch {
            await producer.close(timeout: .seconds(1))
            throw error
        }
        await producer.close(timeout: .seconds(5))
    }

    private static func json(_ response: TestResponse) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any] ?? [:]
    }

    /// The `pf-id` of every record in `topic`.
    private static func packetIDs(in topic: String, bootstrap: String) async throws -> [String] {
        try await Kcat(bootstrap: bootstrap).consume(topic: topic).compactMap { message in
            message.headers.flatMap { headers in stride(from: 0, to: headers.count - 1, by: 2).first { headers[$0] == "pf-id" }.map { headers[$0 + 1] } }
        }
    }

    @Test("JSON lines are published as ED packets and answered 202 after acknowledgement")
    func publishesLines() async throws {
        try await withEmbeddedCluster(brokers: 1) { cluster in
            let topic = uniqueName("ingest")
            try cluster.createTopic(topic, partitions: 3)
            try await withAPI(bootstrap: cluster.bootstrapServers) { client, _ in
                let lines = (1...50).map { #"{"n":\#($0)}"# }.joined(separator: "\n")
                let response = try await client.execute(
                    uri: "/topics/\(topic)", method: .post, headers: [.contentType: "application/x-ndjson"],
                    body: ByteBuffer(string: lines))
                #expect(response.status == .accepted)
                #expect(try Self.json(response)["accepted"] as? Int == 50)
                let single = try await client.execute(
                    uri: "/topics/\(topic)", method: .post, headers: [.contentType: "application/json"],
                    body: ByteBuffer(string: "{\n \"n\": 51\n}"))
                #expect(single.status == .accepted)
            }
            let messages = try await Kcat(bootstrap: cluster.bootstrapServers).consume(topic: topic)
            #expect(messages.count == 51)
            let headers = messages.first?.headers ?? []
            #expect(headers.starts(with: ["pf-version", "1", "pf-id"]))
            #expect(headers.contains("pf-group") && headers.contains("ED") && headers.contains(topic))
            let ids = Set(messages.compactMap { $0.headers?[3] })
            #expect(ids.count == 51, "every event gets its own packet id")
        }
    }

    @Test("PacketFlow's own topics get 403 and nothing is published; a molecule's input topic is accepted")
    func internalTopics() async throws {
        try await withEmbeddedCluster(brokers: 1) { cluster in
            let molecule = "M" + uniqueName("m").replacingOccurrences(of: "-", with: "")
            let input = "pf.\(molecule).input"
            try cluster.createTopic(input, partitions: 1)
            try cluster.createTopic("pf.control", partitions: 1)
            try await withAPI(bootstrap: cluster.bootstrapServers) { client, _ in
                for topic in ["pf.control", "pf.\(molecule).A-B", "pf.\(molecule).dead-letter", "__packetflow.registry", "pf..input"] {
                    let response = try await client.execute(uri: "/topics/\(topic)", method: .post, body: ByteBuffer(string: #"{"scale":9}"#))
                    #expect(response.status == .forbidden, "\(topic)")
                    #expect((try Self.json(response)["error"] as? String)?.contains("--allow-internal-topics") == true)
                }
                let accepted = try await client.execute(uri: "/topics/\(input)", method: .post, body: ByteBuffer(string: #"{"n":1}"#))
                #expect(accepted.status == .accepted)
            }
            #expect(try await Kcat(bootstrap: cluster.bootstrapServers).consume(topic: "pf.control").isEmpty)
            try await withAPI(bootstrap: cluster.bootstrapServers, configure: { configuration, _ in configuration.allowsInternalTopics = true }) { client, _ in
                let response = try await client.execute(uri: "/topics/pf.control", method: .post, body: ByteBuffer(string: #"{"n":1}"#))
                #expect(response.status == .accepted)
            }
        }
    }

    @Test("bad JSON gets 400 with its line and column, and nothing of the body is published")
    func badJSON() async throws {
        try await withEmbeddedCluster(brokers: 1) { cluster in
            let topic = uniqueName("ingest-bad")
            try cluster.createTopic(topic, partitions: 1)
            try await withAPI(bootstrap: cluster.bootstrapServers) { client, _ in
                let response = try await client.execute(
                    uri: "/topics/\(topic)", method: .post, body: ByteBuffer(string: "{\"a\":1}\n{\"b\":2}\n{\"c\" 3}\n"))
                #expect(response.status == .badRequest)
                let answer = try Self.json(response)
                #expect(answer["line"] as? Int == 3)
                #expect(answer["column"] as? Int == 6)
                #expect((answer["error"] as? String)?.hasPrefix("line 3, column 6: invalid JSON") == true)
                let badTopic = try await client.execute(uri: "/topics/no%20spaces", method: .post, body: ByteBuffer(string: "{}"))
                #expect(badTopic.status == .badRequest)
            }
            #expect(try await Kcat(bootstrap: cluster.bootstrapServers).consume(topic: topic).isEmpty)
        }
    }

    @Test("a body over the limit gets 413")
    func oversized() async throws {
        try await withAPI(bootstrap: "127.0.0.1:1", configure: { configuration, _ in configuration.maxBodyBytes = 1024 }) { client, _ in
            let big = String(repeating: "{\"padding\":\"\(String(repeating: "x", count: 100))\"}\n", count: 20)
            let response = try await client.execute(uri: "/topics/t", method: .post, body: ByteBuffer(string: big))
            #expect(response.status == .contentTooLarge)
            #expect((try Self.json(response)["error"] as? String)?.contains("1024 bytes") == true)
        }
    }

    @Test("a retry with the same Idempotency-Key publishes the same packet ids; another key gets others; a bad key gets 400")
    func idempotencyKey() async throws {
        try await withEmbeddedCluster(brokers: 1) { cluster in
            let topic = uniqueName("ingest-retry")
            try cluster.createTopic(topic, partitions: 1)
            try await withAPI(bootstrap: cluster.bootstrapServers) { client, _ in
                let body = ByteBuffer(string: "{\"a\":1}\n{\"a\":2}\n{\"a\":3}")
                for key in ["order-batch-7", "order-batch-7", "order-batch-8"] {
                    let response = try await client.execute(uri: "/topics/\(topic)", method: .post, headers: [.idempotencyKey: key], body: body)
                    #expect(response.status == .accepted)
                }
                let bad = try await client.execute(
                    uri: "/topics/\(topic)", method: .post, headers: [.idempotencyKey: "has space"],
                    body: body)
                #expect(bad.status == .badRequest)
            }
            let ids = try await Self.packetIDs(in: topic, bootstrap: cluster.bootstrapServers)
            #expect(ids.count == 9)
            #expect(Set(ids) == Set((0..<3).flatMap { ["ingest:\(topic):order-batch-7:\($0)", "ingest:\(topic):order-batch-8:\($0)"] }))
        }
    }

    @Test("with an id field each event is named by its own value, whichever request carries it; an event without it gets 400 and nothing is published")
    func idField() async throws {
        try await withEmbeddedCluster(brokers: 1) { cluster in
            let topic = uniqueName("ingest-field")
            try cluster.createTopic(topic, partitions: 1)
            try await withAPI(
                bootstrap: cluster.bootstrapServers, configure: { configuration, _ in configuration.idField = try? JSONPath("order.id") }
            ) { client, _ in
                // The second request repeats order 2 and adds 3 (a client that retried a partial batch).
                let first = #"{"order":{"id":"A-1"}}"# + "\n" + #"{"order":{"id":2}}"#
                let second = #"{"order":{"id":2}}"# + "\n" + #"{"order":{"id":"A-3"}}"#
                for body in [first, second] {
                    let response = try await client.execute(uri: "/topics/\(topic)", method: .post, body: ByteBuffer(string: body))
                    #expect(response.status == .accepted, "\(String(buffer: response.body))")
                }
                let unnamed = try await client.execute(
                    uri: "/topics/\(topic)", method: .post, body: ByteBuffer(string: #"{"order":{"id":"A-4"}}"# + "\n" + #"{"order":{}}"#))
                #expect(unnamed.status == .badRequest)
                #expect((try Self.json(unnamed)["error"] as? String)?.contains("event 2 has no order.id") == true)
            }
            let ids = try await Self.packetIDs(in: topic, bootstrap: cluster.bootstrapServers)
            #expect(ids.sorted() == ["ingest:\(topic):2", "ingest:\(topic):2", "ingest:\(topic):A-1", "ingest:\(topic):A-3"])
        }
    }

    @Test("an event larger than the broker takes, or more events than may wait for the broker, gets 413, not a 503 to retry")
    func refusedForGood() async throws {
        try await withEmbeddedCluster(brokers: 1) { cluster in
            let topic = uniqueName("ingest-large")
            try cluster.createTopic(topic, partitions: 1)
            try await withAPI(
                bootstrap: cluster.bootstrapServers,
                configure: { configuration, producer in
                    configuration.maxInFlightEvents = 3
                    producer.properties["message.max.bytes"] = "10000"
                }
            ) { client, publisher in
                let large = #"{"padding":"\#(String(repeating: "x", count: 20_000))"}"#
                let tooLarge = try await client.execute(
                    uri: "/topics/\(topic)", method: .post, body: ByteBuffer(string: "{\"small\":1}\n\(large)"))
                #expect(tooLarge.status == .contentTooLarge)
                #expect(tooLarge.headers[.retryAfter] == nil)
                let reason = try Self.json(tooLarge)["error"] as? String ?? ""
                #expect(reason.contains("larger than the broker takes") && reason.contains("1 of 2 events were acknowledged"), "\(reason)")

                let tooMany = try await client.execute(
                    uri: "/topics/\(topic)", method: .post, body: ByteBuffer(string: "{}\n{}\n{}\n{}"))
                #expect(tooMany.status == .contentTooLarge)
                #expect((try Self.json(tooMany)["error"] as? String)?.contains("4 events in one request, more than the 3") == true)
                #expect(publisher.inFlight.current == 0)
            }
            #expect(try await Kcat(bootstrap: cluster.bootstrapServers).consume(topic: topic).count == 1, "only the small event")
        }
    }

    @Test("with a token configured, a request without it or with another gets 401", arguments: [nil, "Bearer wrong", "t0ken"])
    func unauthorized(header: String?) async throws {
        try await withAPI(bootstrap: "127.0.0.1:1", configure: { configuration, _ in configuration.token = Self.token }) { client, _ in
            let headers: HTTPFields = header.map { [.authorization: $0] } ?? [:]
            let response = try await client.execute(uri: "/topics/t", method: .post, headers: headers, body: ByteBuffer(string: "{}"))
            #expect(response.status == .unauthorized)
            #expect(response.headers[.wwwAuthenticate] == "Bearer")
        }
    }

    @Test("the right token is accepted")
    func authorized() async throws {
        try await withEmbeddedCluster(brokers: 1) { cluster in
            let topic = uniqueName("ingest-auth")
            try cluster.createTopic(topic, partitions: 1)
            try await withAPI(bootstrap: cluster.bootstrapServers, configure: { configuration, _ in configuration.token = Self.token }) {
                client, _ in
                let response = try await client.execute(
                    uri: "/topics/\(topic)", method: .post, headers: [.authorization: "Bearer \(Self.token)"],
                    body: ByteBuffer(string: "{}"))
                #expect(response.status == .accepted)
            }
        }
    }

    @Test("with the broker unreachable, a full in-flight limit gets 429 and the waiting request 503, both with Retry-After")
    func fullQueue() async throws {
        try await withAPI(
            bootstrap: "127.0.0.1:1",
            configure: { configuration, producer in
                configuration.maxInFlightEvents = 2
                configuration.retryAfter = .seconds(3)
                producer.messageTimeout = .seconds(2)
            }
        ) { client, publisher in
            async let waiting = client.execute(uri: "/topics/t", method: .post, body: ByteBuffer(string: "{\"a\":1}\n{\"a\":2}"))
            try await waitUntil("the first request's events are in flight", within: .seconds(10)) { publisher.inFlight.current == 2 }
            let refused = try await client.execute(uri: "/topics/t", method: .post, body: ByteBuffer(string: "{\"b\":1}"))
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] == "3")
            let failed = try await waiting
            #expect(failed.status == .serviceUnavailable)
            #expect(failed.headers[.retryAfter] == "3")
            #expect((try Self.json(failed)["error"] as? String)?.contains("0 of 2 events were acknowledged") == true)
            #expect(publisher.inFlight.current == 0)
        }
    }
}
