import Foundation
import PacketFlowDev
import PacketFlowReactorService
import Testing

@Suite("Dev mode's live view and summary")
struct DevStatusBoardTests {
    static func status(desired: Int, lag: Int64, decision: String?) throws -> MoleculeStatus {
        let words = decision.map { "\"\($0)\"" } ?? "null"
        let json = """
            {"molecule":"Checkout","sourceName":"checkout.pf","deadLetterTopic":"pf.Checkout.dead-letter","deadLetters":0,
             "stages":[{"stage":"ComputePacket","group":"DF","consumerGroup":"pf.Checkout.ComputePacket","partitions":12,
             "runningReplicas":1,"desiredReplicas":\(desired),"lag":\(lag),"inputRate":150,"processingRate":100,
             "perReplicaRate":100,"deadLetters":0,"deadLettersLastMinute":0,"paused":false,"restarts":0,"health":"OK",
             "stable":true,"healthReasons":[],
             "lastDecision":\(words),"lastAction":"hold","lastReason":"balanced"}]}
            """
        return try JSONDecoder().decode(MoleculeStatus.self, from: Data(json.utf8))
    }

    @Test("a rise in desired replicas is logged as a scale-out with the reactor's words")
    func scaleOutIsLogged() throws {
        var board = DevStatusBoard()
        board.observe([try Self.status(desired: 1, lag: 10, decision: "ComputePacket: holding 1")], at: 1)
        board.observe([try Self.status(desired: 3, lag: 900, decision: "ComputePacket: scaled 1 -> 3")], at: 4)
        board.observe([try Self.status(desired: 3, lag: 200, decision: "ComputePacket: holding 3")], at: 5)
        board.observe([try Self.status(desired: 2, lag: 0, decision: "ComputePacket: scaled 3 -> 2")], at: 200)
        #expect(board.scaleOuts("Checkout") == 1)
        #expect(board.scaleIns("Checkout") == 1)
        #expect(board.decisions.first?.words == "ComputePacket: scaled 1 -> 3")
        board.record(.init(packetsIn: 600, packetsOut: 598), molecule: "Checkout")
        #expect(
            board.summary().hasPrefix(
                "summary: Checkout: packets in 600, packets out 598, scale-outs 1, scale-ins 1, dead letters 0"))
        board.record(.init(packetsIn: 600, packetsOut: 605, distinctOut: 600), molecule: "Checkout")
        #expect(
            board.summary().hasPrefix(
                "summary: Checkout: packets in 600, packets out 605 (600 distinct, 5 duplicates), scale-outs 1, scale-ins 1, dead letters 0"))
    }

    @Test("the live view shows every stage with its consumer group, replicas and lag, and the decisions")
    func frameShowsStages() throws {
        var board = DevStatusBoard()
        board.observe([try Self.status(desired: 1, lag: 0, decision: nil)], at: 0)
        board.observe([try Self.status(desired: 2, lag: 500, decision: "ComputePacket: scaled 1 -> 2")], at: 3)
        let frame = board.frame(width: 110)
        #expect(frame.contains("ComputePacket"))
        #expect(frame.contains("pf.Checkout.ComputePacket"))
        #expect(frame.contains("1/2"))
        #expect(frame.contains("█"))
        #expect(frame.contains("00:03 Checkout ComputePacket: scaled 1 -> 2"))
        #expect(board.statusLine() == "[00:03] Checkout: in 0 out 0; ComputePacket 1/2 lag 500")
    }

    @Test(
        "durations parse as users type them",
        arguments: [("90s", 90_000), ("2m", 120_000), ("500ms", 500), ("1h", 3_600_000), ("45", 45_000), ("1.5s", 1_500)])
    func durations(text: String, milliseconds: Int64) throws {
        #expect(try DurationText.parse(text) == .milliseconds(milliseconds))
    }

    @Test("a malformed duration names the accepted forms")
    func badDuration() {
        #expect(throws: DevError.self) { try DurationText.parse("soon") }
    }
}
