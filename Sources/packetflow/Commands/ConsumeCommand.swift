import ArgumentParser
import PacketFlowClient
import Foundation
import PacketFlowCore

/// `packetflow consume` (alias `tail`): prints the packets of a topic.
struct ConsumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consume",
        abstract: "Print the packets of a topic as a table or JSON lines.",
        discussion: """
            Reads what the topic holds and stops, or with --follow keeps printing new packets \
            until --count is reached or Ctrl-C. Messages without PacketFlow headers are shown \
            as packets of the topic's default group (ED); messages with unreadable metadata \
            are shown with "!!" and the reason, never skipped.

            Without --group-id nothing is committed. With it, the reader joins that consumer \
            group and commits what it printed, so the next run goes on from there.

            Examples:
              packetflow consume clicks --count 10
              packetflow tail orders --follow --json | jq .payload
            """,
        aliases: ["tail"]
    )

    @Argument(help: "The topic to read.")
    var topic: String

    @Flag(help: "Where to start when the group has no committed offset.")
    var start: StartFlag = .fromBeginning

    @Flag(name: .shortAndLong, help: "Keep reading new packets.")
    var follow = false

    @Option(help: ArgumentHelp("Stop after this many packets.", valueName: "n"))
    var count: Int?

    @Option(help: ArgumentHelp("Consumer group to join and commit in.", valueName: "id"))
    var groupID: String?

    @Flag(help: "Print one JSON object per packet instead of a table.")
    var json = false

    @OptionGroup var connection: ConnectionOptions

    enum StartFlag: String, EnumerableFlag {
        case fromBeginning
        case fromEnd

        static func help(for value: StartFlag) -> ArgumentHelp? {
            switch value {
            case .fromBeginning: "Start at the oldest packet (default)."
            case .fromEnd: "Start with packets written from now on (implies --follow)."
            }
        }
    }

    func validate() throws {
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
    }

    func run() async throws {
        var options = PacketReader.Options(bootstrapServers: connection.bootstrap, topic: topic)
        options.start = start == .fromBeginning ? .beginning : .end
        options.follow = follow || start == .fromEnd
        options.count = count
        options.groupID = groupID
        options.properties = try connection.properties()
        // One write per line, so a pipe (`| jq`) sees each packet as it arrives.
        let output = FileHandle.standardOutput
        if !json { output.write(Data((PacketFormatter.tableHeading + "\n").utf8)) }
        try await PacketReader(options: options).read { entry in
            output.write(Data(((json ? PacketFormatter.jsonLine(entry) : PacketFormatter.tableRow(entry)) + "\n").utf8))
        }
    }
}
