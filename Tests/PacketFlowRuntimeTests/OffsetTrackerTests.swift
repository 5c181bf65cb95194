import PacketFlowKafka
import PacketFlowRuntime
import Testing

/// The offset tracker commits only below the lowest unfinished message of each partition.
@Suite("Offset tracker")
struct OffsetTrackerTests {
    @Test("finishing out of order commits only the finished prefix")
    func outOfOrder() {
        let tracker = OffsetTracker()
        let tickets = (10..<15).map { tracker.begin(topic: "t", partition: 0, offset: Int64($0))! }
        tracker.finish(tickets[1])
        tracker.finish(tickets[2])
        #expect(tracker.takeCommitPositions().isEmpty, "offset 10 is unfinished: nothing may be committed")
        tracker.finish(tickets[0])
        #expect(tracker.takeCommitPositions().map(\.offset) == [13])
        tracker.finish(tickets[4])
        #expect(tracker.takeCommitPositions().isEmpty)
        tracker.finish(tickets[3])
        #expect(tracker.takeCommitPositions().map(\.offset) == [15])
        #expect(tracker.unfinishedCount == 0)
    }

    @Test("an abandoned message no longer holds a revocation up, and the commit stops below it for good")
    func abandon() {
        let tracker = OffsetTracker()
        let partition = KafkaTopicPartition(topic: "t", partition: 0)
        let tickets = (10..<14).map { tracker.begin(topic: "t", partition: 0, offset: Int64($0))! }
        tracker.finish(tickets[0])
        tracker.finish(tickets[2])
        tracker.finish(tickets[3])
        tracker.revoke([partition], fetchedBatches: 0)
        #expect(!tracker.waitUntilIdle([partition], timeout: .milliseconds(10)), "offset 11 still runs")
        tracker.abandon([tickets[1]])
        #expect(tracker.waitUntilIdle([partition], timeout: .milliseconds(10)))
        // Offset 11 is read again by the next owner: nothing at or after it is committed.
        #expect(tracker.release([partition]).map(\.offset) == [11])
    }

    @Test("partitions are independent and positions are reported once")
    func partitions() {
        let tracker = OffsetTracker()
        let a = tracker.begin(topic: "t", partition: 0, offset: 0)!
        let b = tracker.begin(topic: "t", partition: 1, offset: 7)!
        let c = tracker.begin(topic: "u", partition: 0, offset: 3)!
        tracker.finish(b)
        tracker.finish(c)
        #expect(tracker.takeCommitPositions() == [
            .init(topic: "t", partition: 1, offset: 8), .init(topic: "u", partition: 0, offset: 4),
        ])
        #expect(tracker.takeCommitPositions().isEmpty)
        #expect(tracker.unfinishedCount == 1)
        tracker.finish(a)
        #expect(tracker.takeCommitPositions() == [.init(topic: "t", partition: 0, offset: 1)])
    }

    @Test("a rewound partition starts over and ignores tickets of before the rewind")
    func rewind() {
        let tracker = OffsetTracker()
        let old = tracker.begin(topic: "t", partition: 0, offset: 5)!
        let redelivered = tracker.begin(topic: "t", partition: 0, offset: 3)!
        #expect(tracker.finish(old) == false)
        #expect(tracker.takeCommitPositions().isEmpty)
        #expect(tracker.finish(redelivered))
        #expect(tracker.takeCommitPositions().map(\.offset) == [4])
    }

    @Test("many messages finished in reverse order commit past all of them")
    func many() {
        let tracker = OffsetTracker()
        let tickets = (0..<5_000).map { tracker.begin(topic: "t", partition: 2, offset: Int64($0))! }
        for ticket in tickets.dropFirst().reversed() { tracker.finish(ticket) }
        #expect(tracker.takeCommitPositions().isEmpty)
        tracker.finish(tickets[0])
        #expect(tracker.takeCommitPositions().map(\.offset) == [5_000])
    }

    @Test("a revoked partition refuses messages of batches fetched before the revocation, not after")
    func revocationFence() {
        let tracker = OffsetTracker()
        let partition = KafkaTopicPartition(topic: "t", partition: 0)
        let first = tracker.begin(topic: "t", partition: 0, offset: 0, batch: 1)!
        tracker.finish(first)
        tracker.revoke([partition], fetchedBatches: 2)
        #expect(tracker.release([partition]) == [.init(topic: "t", partition: 0, offset: 1)])
        #expect(tracker.begin(topic: "t", partition: 0, offset: 1, batch: 2) == nil, "fetched before the revocation: the next owner has it")
        #expect(tracker.begin(topic: "t", partition: 1, offset: 1, batch: 2) != nil, "another partition is not fenced")
        let fresh = tracker.begin(topic: "t", partition: 0, offset: 1, batch: 3)!
        tracker.finish(fresh)
        #expect(tracker.takeCommitPositions().contains(.init(topic: "t", partition: 0, offset: 2)))
    }

    @Test("a revocation waits for running packets, commits what finished, and ignores tickets finished after it")
    func revocationWaitsAndForgets() {
        let tracker = OffsetTracker()
        let partition = KafkaTopicPartition(topic: "t", partition: 0)
        let running = tracker.begin(topic: "t", partition: 0, offset: 0, batch: 1)!
        let queued = tracker.begin(topic: "t", partition: 0, offset: 1, batch: 1, started: false)!
        tracker.revoke([partition], fetchedBatches: 1)
        #expect(!tracker.start(queued), "a queued message of a revoked partition is left to the next owner")
        #expect(tracker.runningCount([partition]) == 1)
        #expect(!tracker.waitUntilIdle([partition], timeout: .milliseconds(1)))
        tracker.finish(running)
        #expect(tracker.waitUntilIdle([partition], timeout: .seconds(10)))
        #expect(tracker.release([partition]) == [.init(topic: "t", partition: 0, offset: 1)])
        #expect(tracker.finish(queued) == false, "released: a late ticket commits nothing")
        #expect(tracker.takeCommitPositions().isEmpty)
    }

    @Test("lanes of one partition: a revocation or a drain fills the gaps below the highest started offset, no more")
    func revocationFillsGaps() {
        let tracker = OffsetTracker()
        let partition = KafkaTopicPartition(topic: "t", partition: 0)
        // Two lanes: offsets 0 and 2 in one, 1 and 3 in the other; the second lane ran ahead.
        let tickets = (0..<4).map { tracker.begin(topic: "t", partition: 0, offset: Int64($0), batch: 1, started: false)! }
        #expect(tracker.start(tickets[1]))
        tracker.finish(tickets[1])
        tracker.revoke([partition], fetchedBatches: 1)
        #expect(!tracker.waitUntilIdle([partition], timeout: .milliseconds(1)), "offset 0, below the finished 1, is still to do")
        #expect(!tracker.start(tickets[3]), "above everything started: left to the next owner")
        #expect(tracker.start(tickets[0]), "a gap below finished work: filled, so the next owner repeats nothing")
        tracker.finish(tickets[0])
        #expect(tracker.waitUntilIdle([partition], timeout: .seconds(10)))
        #expect(!tracker.start(tickets[2]))
        #expect(tracker.release([partition]) == [.init(topic: "t", partition: 0, offset: 2)])

        // A drain (no revocation) likewise starts only the gaps.
        let drained = (0..<3).map { tracker.begin(topic: "t", partition: 1, offset: Int64($0), batch: 2, started: false)! }
        #expect(tracker.start(drained[1]))
        #expect(tracker.start(drained[0], onlyGaps: true))
        #expect(!tracker.start(drained[2], onlyGaps: true))
    }

    @Test("finishing a batch of tickets at once moves the position past all of them")
    func batchFinish() {
        let tracker = OffsetTracker()
        let tickets = (0..<100).map { tracker.begin(topic: "t", partition: 0, offset: Int64($0), batch: 1)! }
        tracker.finish(tickets.reversed())
        #expect(tracker.takeCommitPositions().map(\.offset) == [100])
        #expect(tracker.unfinishedCount == 0)
    }
}
