import Foundation
import PacketFlowTestSupport
import Subprocess
import Testing

@Suite("Generated and followed docs")
struct DocsTests {
    @Test("docs/cli.md is current: it is what scripts/gen-cli-docs.sh makes from the command definitions")
    func cliReferenceIsCurrent() async throws {
        let result = try await Subprocess.run(
            .path("/bin/bash"), arguments: [DevRun.root + "/scripts/gen-cli-docs.sh", "--check"],
            environment: .inherit.updating(["PACKETFLOW": try PacketFlowExecutable.path()]),
            output: .string(limit: 1 << 20), error: .string(limit: 1 << 20))
        #expect(result.terminationStatus.isSuccess, "\(result.standardOutput.prefix(3_000))\(result.standardError)")
    }

    @Test("docs/architecture.md's module graph is current: it is what scripts/gen-architecture.sh makes from Package.swift")
    func moduleGraphIsCurrent() async throws {
        let result = try await Subprocess.run(
            .path("/bin/bash"), arguments: [DevRun.root + "/scripts/gen-architecture.sh", "--check"],
            output: .string(limit: 1 << 20), error: .string(limit: 1 << 20))
        #expect(result.terminationStatus.isSuccess, "\(result.standardOutput.prefix(3_000))\(result.standardError)")
    }

    @Test("the tutorial runs from start to end (scripts/tutorial-check.sh)", .timeLimit(.minutes(6)))
    func tutorialRuns() async throws {
        let result = try await Subprocess.run(
            .path("/bin/bash"), arguments: [DevRun.root + "/scripts/tutorial-check.sh"],
            environment: .inherit.updating(["PACKETFLOW": try PacketFlowExecutable.path()]),
            output: .string(limit: 4 << 20), error: .string(limit: 4 << 20))
        #expect(result.terminationStatus.isSuccess, "\(result.standardOutput.suffix(3_000))\(result.standardError)")
        #expect(result.standardOutput.contains("tutorial ok"))
    }
}
