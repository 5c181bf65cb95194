import Foundation
import Logging
import PacketFlowBroker
import PacketFlowKafka
import PacketFlowCore
import PacketFlowLanguage
import PacketFlowReactor
import PacketFlowReactorService
import Synchronization

/// A registry in memory: what a Kafka registry topic would replay.
final class InMemoryRegistry: MoleculeRegistryStorage {
    let records = Mutex<[String: DeployedMolecule]>([:])
    /// When set, writes fail as an unreachable registry topic would.
    let refusesWrites = Atomic<Bool>(false)

    func load() async throws -> [String: DeployedMolecule] { records.withLock { $0 } }
    func write(_ molecule: DeployedMolecule) async throws {
        if refusesWrites.load(ordering: .relaxed) { throw ReactorError(.registryFailed, "registry topic unreachable") }
        records.withLock { $0[molecule.name] = molecule }
    }
    func remove(_ name: String) async throws { _ = records.withLock { $0.removeValue(forKey: name) } }
}

/// Collects the MC packets the reactor publishes, and passes them on to `forward` if given.
final class RecordingControl: ControlPublisher {
    let packets = Mutex<[Packet]>([])
    let forward: (any ControlPublisher)?

    init(forward: (any ControlPublisher)? = nil) {
        self.forward = forward
    }

    func publish(_ packet: Packet) async throws {
        packets.withLock { $0.append(packet) }
        try await forward?.publish(packet)
    }

    func kinds() -> [String] { packets.withLock { $0.map(\.kind) } }
}

/// A scaler whose workers are counters: setReplicas makes them run at once.
final class CountingScaler: WorkerScaler {
    let replicas = Mutex<[String: Int]>([:])
    let calls = Mutex<[(String, Int)]>([])
    let restartCount = Mutex<Int>(0)

    func setReplicas(_ count: Int, for stage: WorkerStage) async throws {
        replicas.withLock { $0[stage.stage] = count }
        calls.withLock { $0.append((stage.stage, count)) }
    }

    func restartWorkers(_ stage: WorkerStage) async throws { restartCount.withLock { $0 += 1 } }
    func running(_ stage: WorkerStage) async -> Int { replicas.withLock { $0[stage.stage] ?? 0 } }
    func restarts(_ stage: WorkerStage) async -> Int { 0 }
    func crashLooping(_ stage: WorkerStage) async -> Int { 0 }
    func stopAll(molecule: String) async { replicas.withLock { $0 = [:] } }
    func shutdown() async { replicas.withLock { $0 = [:] } }

    func count(_ stage: String) -> Int { replicas.withLock { $0[stage] ?? 0 } }
}

/// Offsets a test sets: one partition per stage input, high watermark and committed offset.
final class ScriptedLagSource: LagSource {
    /// Per stage: (high watermark, committed offset) of each partition.
    let offsets = Mutex<[String: [(Int64, Int64)]]>([:])

    func set(_ stage: String, partitions: [(high: Int64, committed: Int64)]) {
        offsets.withLock { $0[stage] = partitions.map { ($0.high, $0.committed) } }
    }

    func partitions(of stage: StagePlan) async throws -> [PartitionLagSample] {
        let values = offsets.withLock { $0[stage.name] ?? [] }
        return values.enumerated().map { index, value in
            PartitionLagSample(partition: Int32(index), lowWatermark: 0, highWatermark: value.0, committedOffset: value.1)
        }
    }

    /// Dead letters per stage, as the dead-letter topic's headers would count them.
    let deadLetterCounts = Mutex<[String: Int64]>([:])

    func deadLetters(topic: String) async throws -> DeadLetterCounts {
        let byStage = deadLetterCounts.withLock { $0 }
        return DeadLetterCounts(records: byStage.values.reduce(0, +), byStage: byStage, isComplete: true)
    }

    func followDeadLetters() async throws {}
}

/// The topics the reactor asked for.
final class ProvisionedTopics: Sendable {
    let specs = Mutex<[TopicSpec]>([])
}

/// A reactor over fakes, with the parts a test inspects.
struct FakeReactor {
    let registry: InMemoryRegistry
    let control = RecordingControl()
    let scaler: CountingScaler
    let lag = ScriptedLagSource()
    let provisioned = ProvisionedTopics()
    let stateDirectory = FileManagerTemporary.folder("reactor")
    let reactor: ReactorService

    init(
        registry: InMemoryRegistry = InMemoryRegistry(), scaler: CountingScaler = CountingScaler(),
        perReplicaRate: Double? = 100
    ) {
        self.registry = registry
        self.scaler = scaler
        var configuration = ReactorConfiguration(stateDirectory: stateDirectory)
        configuration.autoscaler.perReplicaRatePrior = perReplicaRate
        let provisioned = self.provisioned
        reactor = ReactorService(
            configuration: configuration, registry: registry, control: control, lagSource: lag, scaler: scaler,
            provisionTopics: { specs in
                provisioned.specs.withLock { $0 += specs }
                return Dictionary(specs.map { ($0.name, $0.partitions) }, uniquingKeysWith: max)
            },
            logger: Logger(label: "test.reactor") { _ in SwiftLogNoOpLogHandler() })
    }
}

