import PacketFlowCore
import PacketFlowJSON
import Synchronization

/// The collective (CO) group's gathering: packets with one correlation key wait until a quorum
/// of them has arrived, or a timeout passes, and then leave as one packet.
///
/// The gathered packet's payload is `{"key": K, "complete": true|false, "count": N,
/// "members": [payload, ...]}` in arrival order; its id is the first member's id followed by
/// `:co`, so a redelivered group gathers into the same id. Members stay unfinished (their
/// offsets uncommitted) until the gathered packet has been handled, so a crash loses no
/// member. Thread-safe.
public final class CollectiveAggregator<Member: Sendable>: Sendable {
    /// A gathered group ready to leave: the packet and what its members carried along.
    public struct Gathered: Sendable {
        /// The packet standing for the whole group.
        public var packet: Packet
        /// The members' companions (the worker keeps their offset tickets here), arrival order.
        public var members: [Member]
    }

    private struct Group {
        var packets: [Packet]
        var members: [Member]
        var startedAt: Duration
    }

    /// Members that complete a group.
    public let quorum: Int
    /// How long a group waits for its quorum before leaving incomplete.
    public let timeout: Duration
    private let groups = Mutex<[String: Group]>([:])

    /// An aggregator leaving groups at `quorum` members (at least 1) or after `timeout`.
    public init(quorum: Int, timeout: Duration) {
        self.quorum = max(1, quorum)
        self.timeout = timeout
    }

    /// Adds `packet` under `key` at time `now` (any monotonic clock); returns the group when
    /// this member completes it.
    public func add(_ packet: Packet, key: String, member: Member, now: Duration) -> Gathered? {
        let complete = groups.withLock { groups -> Group? in
            groups[key, default: Group(packets: [], members: [], startedAt: now)].packets.append(packet)
            groups[key]!.members.append(member)
            guard groups[key]!.packets.count >= quorum else { return nil }
            return groups.removeValue(forKey: key)
        }
        return complete.map { gathered($0, key: key, complete: true) }
    }

    /// Removes and returns the groups whose timeout has passed at `now`, incomplete.
    public func expired(now: Duration) -> [Gathered] {
        let due = groups.withLock { groups -> [(String, Group)] in
            let keys = groups.filter { now - $0.value.startedAt >= timeout }.map(\.key).sorted()
            return keys.map { ($0, groups.removeValue(forKey: $0)!) }
        }
        return due.map { gathered($1, key: $0, complete: false) }
    }

    /// Groups still gathering.
    public var openGroups: Int { groups.withLock { $0.count } }

    /// Takes the members for which `isDropped` holds out of their groups, and returns them; a
    /// group left empty is gone. A worker losing a partition drops its members: the next owner
    /// (or this worker, if the partition comes back) reads them again from the committed
    /// offset, so each is counted once and only one worker sends the group.
    public func drop(where isDropped: (Member) -> Bool) -> [Member] {
        groups.withLock { groups in
            var dropped: [Member] = []
            for key in groups.keys.sorted() {
                let group = groups[key]!
                guard group.members.contains(where: isDropped) else { continue }
                var kept = Group(packets: [], members: [], startedAt: group.startedAt)
                for (packet, member) in zip(group.packets, group.members) {
                    if isDropped(member) {
                        dropped.append(member)
                    } else {
                        kept.packets.append(packet)
                        kept.members.append(member)
                    }
                }
                groups[key] = kept.members.isEmpty ? nil : kept
            }
            return dropped
        }
    }

    private func gathered(_ group: Group, key: String, complete: Bool) -> Gathered {
        let first = group.packets[0]
        let members = group.packets.map { (try? JSON.parse($0.payload)) ?? .null }
        let payload: JSONValue = [
            "key": .string(key), "complete": .bool(complete),
            "count": .integer(Int64(group.packets.count)), "members": .array(members),
        ]
        var packet = first
        packet.id = PacketID("\(first.id.rawValue):co")!
        packet.payload = (try? payload.serialized()) ?? []
        return Gathered(packet: packet, members: group.members)
    }
}
