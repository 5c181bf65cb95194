import Foundation
import PacketFlowBroker
import PacketFlowClient
import PacketFlowCore
import PacketFlowJSON
import PacketFlowKafka
import PacketFlowTestSupport
import Testing

@Suite("packetflow publish and consume", .timeLimit(.minutes(2)))
struct PublishCommandTests {
    /// The packets a topic holds, read back through the library.
    static func packets(in topic: String, cluster: EmbeddedBroker, expecting count: Int) async throws -> [Packet] {
        var options = PacketReader.Options(bootstrapServers: cluster.bootstrapServers, topic: topic)
        options.count = count
        var packets: [Packet] = []
        try await PacketReader(options: options).read { entry in packets.append(try entry.packet.get()) }
        return packets
    }

    @Test("a packet published by the CLI reads back as the packet it described")
    func publishedPacketRoundTrips() async throws {
        try await withEmbeddedBroker { cluster in
            let topic = uniqueName("orders")
            try await cluster.createTopic(topic, partitions: 3)
            let outcome = try await PacketFlowExecutable.run([
                "publish", topic, "--bootstrap", cluster.bootstrapServers,
                "--value", #"{"order":7,"customer":{"id":"c-42"}}"#, "--key-field", "customer.id",
                "--group", "CF", "--kind", "ValidatePacket", "--header", "tenant=acme",
            ])
            #expect(outcome.exitCode == 0, "\(outcome.standardError)")
            #expect(outcome.standardOutput.contains("published 1 of 1 events to \(topic)"))

            let packets = try await Self.packets(in: topic, cluster: cluster, expecting: 1)
            let packet = try #require(packets.first)
            #expect(packet.group == .controlFlow)
            #expect(packet.kind == "ValidatePacket")
            #expect(packet.key == Array("c-42".utf8))
            #expect(packet.payload == Array(#"{"order":7,"customer":{"id":"c-42"}}"#.utf8))
            #expect(packet.otherHeaders == [PacketHeader(name: "tenant", text: "acme")])
            #expect(packet.id.rawValue.count == 26, "a new packet gets a ULID, not a derived id")
            #expect(packet.attempt == 1)
        }
    }

    @Test("a JSON-lines file with an invalid line in the middle stops at that line's number")
    func invalidLineIsReported() async throws {
        try await withEmbeddedBroker { cluster in
            let topic = uniqueName("lines")
            let file = FileManager.default.temporaryDirectory.appending(path: uniqueName("events") + ".jsonl")
            defer { try? FileManager.default.removeItem(at: file) }
            try Data("{\"n\":1}\n{\"n\":2}\n\n{\"n\":3\n{\"n\":4}\n".utf8).write(to: file)

            let strict = try await PacketFlowExecutable.run(["publish", topic, "--bootstrap", cluster.bootstrapServers, "--file", file.path])
            #expect(strict.exitCode != 0)
            #expect(strict.standardError.contains("\(file.path):4:"), "names the file and line 4: \(strict.standardError)")
            #expect(strict.standardError.split(separator: "\n").count == 1, "one line: \(strict.standardError)")

            let lenient = try await PacketFlowExecutable.run([
                "publish", topic, "--bootstrap", cluster.bootstrapServers, "--file", file.path, "--skip-invalid",
            ])
            #expect(lenient.exitCode == 0, "\(lenient.standardError)")
            #expect(lenient.standardOutput.contains("published 3 of 3 events"))
            #expect(lenient.standardOutput.contains("1 invalid lines skipped"))
        }
    }

    @Test("a file of several reads: every event before an invalid line is sent, in order per key, and the line is named")
    func largeFileStopsAtInvalidLine() async throws {
        try await withEmbeddedBroker { cluster in
            let topic = uniqueName("large")
            let file = FileManager.default.temporaryDirectory.appending(path: uniqueName("events") + ".jsonl")
            defer { try? FileManager.default.removeItem(at: file) }
            // About 2.6 MB: three reads of 1 MiB, the invalid line in the last.
            let valid = 50_000
            var text = (1...valid).map { #"{"n":\#($0),"user":"u\#($0 % 7)","pad":"0123456789"}"# }.joined(separator: "\n")
            text += "\n{\"n\": oops}\n{\"n\":0,\"user\":\"u0\"}\n"
            try Data(text.utf8).write(to: file)

            let outcome = try await PacketFlowExecutable.run([
                "publish", topic, "--bootstrap", cluster.bootstrapServers, "--file", file.path, "--key-field", "user", "--quiet",
            ])
            #expect(outcome.exitCode != 0)
            #expect(outcome.standardError.contains("\(file.path):\(valid + 1):"), "\(outcome.standardError)")
            #expect(outcome.standardError.contains("the \(valid) events before it were sent"), "\(outcome.standardError)")

            let packets = try await Self.packets(in: topic, cluster: cluster, expecting: valid)
            #expect(packets.count == valid)
            let numbers = packets.map { packet in
                (String(decoding: packet.key ?? [], as: UTF8.self), (try? JSON.parse(packet.payload))?["n"]?.int64Value ?? -1)
            }
            #expect(Set(numbers.map(\.1)) == Set((1...valid).map(Int64.init)), "each event once, none after the invalid line")
            for user in Set(numbers.map(\.0)) {
                let inOrder = numbers.filter { $0.0 == user }.map(\.1)
                #expect(inOrder == inOrder.sorted(), "order kept for key \(user)")
            }
        }
    }

    @Test("events from standard input are published in order per key, with --count and --repeat")
    func standardInputAndRepeat() async throws {
        try await withEmbeddedBroker { cluster in
            let topic = uniqueName("stdin")
            let lines = (1...50).map { #"{"n":\#($0)}"# }.joined(separator: "\n")
            let piped = try await PacketFlowExecutable.run(
                ["publish", topic, "--bootstrap", cluster.bootstrapServers, "--key", "one"], input: lines)
            #expect(piped.exitCode == 0, "\(piped.standardError)")
            let packets = try await Self.packets(in: topic, cluster: cluster, expecting: 50)
            #expect(packets.map { String(decoding: $0.payload, as: UTF8.self) } == (1...50).map { #"{"n":\#($0)}"# })

            let file = FileManager.default.temporaryDirectory.appending(path: uniqueName("events") + ".jsonl")
            defer { try? FileManager.default.removeItem(at: file) }
            try Data(lines.utf8).write(to: file)
            let repeated = try await PacketFlowExecutable.run([
                "publish", uniqueName("repeat"), "--bootstrap", cluster.bootstrapServers, "--file", file.path,
                "--repeat", "3", "--count", "120",
            ])
            #expect(repeated.standardOutput.contains("published 120 of 120 events"), "\(repeated.standardOutput)")
        }
    }

    @Test("every event gets an id of its own, whose time is the record's timestamp: repeated values and file lines alike")
    func idsAndTimestamps() async throws {
        try await withEmbeddedBroker { cluster in
            let topic = uniqueName("ids")
            try await cluster.createTopic(topic, partitions: 2)
            let file = FileManager.default.temporaryDirectory.appending(path: uniqueName("events") + ".jsonl")
            defer { try? FileManager.default.removeItem(at: file) }
            try Data((1...30).map { #"{"n":\#($0)}"# }.joined(separator: "\n").utf8).write(to: file)
            let before = Int64(Date().timeIntervalSince1970 * 1_000) - 20  // the coarse clock lags a tick
            for arguments in [["--value", #"{"same":true}"#, "--count", "20"], ["--file", file.path, "--key", "k"]] {
                let outcome = try await PacketFlowExecutable.run(["publish", topic, "--bootstrap", cluster.bootstrapServers] + arguments)
                #expect(outcome.exitCode == 0, "\(outcome.standardError)")
            }
            let after = Int64(Date().timeIntervalSince1970 * 1_000)

            let packets = try await Self.packets(in: topic, cluster: cluster, expecting: 50)
            #expect(Set(packets.map(\.id)).count == 50, "no two events share an id")
            for packet in packets {
                #expect(Self.milliseconds(ofULID: packet.id.rawValue) == packet.createdMilliseconds, "\(packet.id)")
                #expect((before...after).contains(packet.createdMilliseconds))
            }
        }
    }

    /// The time a ULID carries: its first ten Crockford base32 digits.
    static func milliseconds(ofULID id: String) -> Int64? {
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        var value: Int64 = 0
        for character in id.prefix(10) {
            guard let digit = alphabet.firstIndex(of: character) else { return nil }
            value = value << 5 | Int64(digit)
        }
        return value
    }

    @Test("a kcat message without headers reads as an ED packet of its topic; one with PacketFlow headers as the packet they describe")
    func foreignMessages() async throws {
        try await withEmbeddedBroker { cluster in
            let topic = uniqueName("clicks")
            try await cluster.createTopic(topic, partitions: 1)
            let kcat = Kcat(bootstrap: cluster.bootstrapServers)
            try await kcat.produce(topic: topic, values: [#"{"plain":true}"#])
            try await kcat.produce(
                topic: topic, values: [#"{"described":true}"#],
                headers: [("pf-group", "DF"), ("pf-kind", "ComputePacket"), ("pf-id", "job-1"), ("pf-attempt", "2")])
            try await kcat.produce(topic: topic, values: ["{}"], headers: [("pf-group", "XX")])

            let outcome = try await PacketFlowExecutable.run(["consume", topic, "--bootstrap", cluster.bootstrapServers, "--json"])
            #expect(outcome.exitCode == 0, "\(outcome.standardError)")
            let objects = try outcome.standardOutput.split(separator: "\n").map {
                try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
            #expect(objects.count == 3)
            #expect(objects[0]["group"] as? String == "ED")
            #expect(objects[0]["kind"] as? String == topic)
            #expect(objects[0]["id"] as? String == "kafka:\(topic):0:0")
            #expect(objects[1]["group"] as? String == "DF")
            #expect(objects[1]["kind"] as? String == "ComputePacket")
            #expect(objects[1]["id"] as? String == "job-1")
            #expect(objects[1]["attempt"] as? Int == 2)
            #expect((objects[2]["error"] as? String)?.contains(#"header pf-group: unknown group "XX""#) == true)

            let table = try await PacketFlowExecutable.run(["tail", topic, "--bootstrap", cluster.bootstrapServers])
            let rows = table.standardOutput.split(separator: "\n")
            #expect(rows.count == 4, "a heading and three rows: \(table.standardOutput)")
            #expect(rows.last?.contains("!!") == true, "the undecodable message is shown, not skipped")
        }
    }

    @Test("a missing topic is created with its group's partition count, or --partitions")
    func missingTopicGetsGroupPartitions() async throws {
        try await withEmbeddedBroker { broker in
            let (dataFlow, explicit) = (uniqueName("df"), uniqueName("explicit"))
            for arguments in [[dataFlow, "--group", "DF"], [explicit, "--partitions", "2"]] {
                let outcome = try await PacketFlowExecutable.run(
                    ["publish"] + arguments + ["--bootstrap", broker.bootstrapServers, "--value", "{}"])
                #expect(outcome.exitCode == 0, "\(outcome.standardError)")
            }
            let metadata = try await Kcat(bootstrap: broker.bootstrapServers).metadata()
            #expect(metadata.partitions(of: dataFlow) == PacketGroup.dataFlow.properties.defaultPartitions)
            #expect(metadata.partitions(of: explicit) == 2)
        }
    }

    @Test("an unreachable broker fails with one clear line and a non-zero exit")
    func unreachableBroker() async throws {
        let outcome = try await PacketFlowExecutable.run(["publish", "t", "--bootstrap", "127.0.0.1:9", "--value", "{}"])
        #expect(outcome.exitCode != 0)
        #expect(outcome.standardError.contains("127.0.0.1:9 unreachable"), "\(outcome.standardError)")
    }

    @Test("bad flags are rejected before anything is sent", arguments: [
        (["--group", "XX", "--value", "{}"], "--group XX"),
        (["--value", "{oops"], "--value"),
        (["--value", "{}", "--file", "x"], "cannot be used together"),
        (["--repeat", "2"], "--repeat needs --file"),
        (["--rate", "0", "--value", "{}"], "--rate"),
    ])
    func badFlags(arguments: [String], message: String) async throws {
        let outcome = try await PacketFlowExecutable.run(["publish", "t", "--bootstrap", "127.0.0.1:9"] + arguments)
        #expect(outcome.exitCode == 64)
        #expect(outcome.standardError.contains(message), "\(outcome.standardError)")
    }
}
