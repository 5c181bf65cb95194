import Foundation
import Logging
import PacketFlowReactorService
import PacketFlowTestSupport
import Testing

@Suite("Process worker scaler", .timeLimit(.minutes(1)))
struct ProcessWorkerScalerTests {
    @Test("a worker that exits at once is restarted with a growing backoff and reported as crash-looping")
    func crashLoop() async throws {
        // /bin/false stands for a worker that fails on every start.
        var configuration = ProcessWorkerScalerConfiguration(
            executable: "/bin/false", bootstrapServers: "127.0.0.1:9", stateDirectory: FileManagerTemporary.folder("crash-loop"))
        configuration.initialBackoff = .milliseconds(100)
        configuration.forwardWorkerLogs = false
        let scaler = ProcessWorkerScaler(configuration: configuration, logger: Logger(label: "test.scaler") { _ in SwiftLogNoOpLogHandler() })
        let stage = WorkerStage(molecule: "Crashing", stage: "SavePacket", moleculeFile: "/nonexistent.pf")
        try await scaler.setReplicas(1, for: stage)
        #expect(await scaler.crashLooping(stage) == 0)

        try await waitUntil("the worker counts as crash-looping", within: .seconds(20)) { await scaler.crashLooping(stage) == 1 }
        // Backoffs of 0.1, 0.2, 0.4, 0.8, 1.6 and 3.2 s: at most 7 starts in 4 s, not one per exit.
        try await Task.sleep(for: .seconds(4))
        let restarts = await scaler.restarts(stage)
        #expect(restarts >= 3)
        #expect(restarts <= 7, "restarted \(restarts) times in about 4.5 s")
        #expect(await scaler.crashLooping(stage) == 1)

        try await scaler.setReplicas(0, for: stage)
        #expect(await scaler.crashLooping(stage) == 0, "a stopped worker is not crash-looping")
        await scaler.shutdown()
    }
}
