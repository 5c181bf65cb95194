import Foundation
import Logging
import PacketFlowReactorService
import PacketFlowTestSupport
import Testing

@Suite("Process worker scaler", .timeLimit(.minutes(2)))
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

    @Test("an exit after a long run does not count towards a crash loop: three quick exits after it do")
    func longRunThenQuickExits() async throws {
        let folder = FileManagerTemporary.folder("long-run")
        // Runs 1.5 s the first time, then exits at once.
        let script = folder + "/worker.sh"
        try """
            #!/bin/sh
            if [ ! -e "\(folder)/ran" ]; then touch "\(folder)/ran"; sleep 1.5; fi
            exit 1
            """.write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        var configuration = ProcessWorkerScalerConfiguration(
            executable: script, bootstrapServers: "127.0.0.1:9", stateDirectory: folder)
        configuration.backoffReset = .seconds(1)
        configuration.initialBackoff = .seconds(1)
        configuration.forwardWorkerLogs = false
        let scaler = ProcessWorkerScaler(configuration: configuration, logger: Logger(label: "test.scaler") { _ in SwiftLogNoOpLogHandler() })
        let stage = WorkerStage(molecule: "Flaky", stage: "SavePacket", moleculeFile: "/nonexistent.pf")
        try await scaler.setReplicas(1, for: stage)
        // Exits at about 1.5 s (long), 2.5 s, 4.5 s and 8.5 s (quick; backoffs 1, 2 and 4 s).
        try await waitUntil("the long run and two quick exits", within: .seconds(20)) { await scaler.restarts(stage) >= 3 }
        #expect(await scaler.crashLooping(stage) == 0, "two quick exits after a long run")
        try await waitUntil("a third quick exit", within: .seconds(20)) { await scaler.restarts(stage) >= 4 }
        #expect(await scaler.crashLooping(stage) == 1)
        await scaler.shutdown()
    }
}
