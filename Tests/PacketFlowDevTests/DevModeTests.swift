import Foundation
import PacketFlowReactorService
import Testing

@Suite("packetflow dev end to end", .serialized)
struct DevModeTests {
    @Test("under load packets reach the sink and the reactor scales out; the run ends by itself with a summary", .timeLimit(.minutes(3)))
    func loadScalesOut() async throws {
        let port = DevRun.port()
        let (outcome, scaled) = try await DevRun.with([
            "examples/dev/checkout.pf", "--port", "\(port)", "--load", "150", "--duration", "50s",
        ]) {
            try await DevRun.poll(timeout: .seconds(45)) { () async throws -> MoleculeStatus? in
                guard let status = try await DevRun.status("Checkout", port: port) else { return nil }
                return status.stages.contains { $0.desiredReplicas > 1 } ? status : nil
            }
        }
        #expect(outcome.exitCode == 0, "\(outcome.standardError.suffix(2_000))")
        let scaledStage = try #require(scaled, "no stage scaled out within 45 s:\n\(outcome.standardOutput)")
            .stages.first { $0.desiredReplicas > 1 }
        #expect(scaledStage != nil)
        let summary = try #require(
            outcome.standardOutput.split(separator: "\n").first { $0.hasPrefix("summary: Checkout:") },
            "no summary:\n\(outcome.standardOutput)")
        let numbers = summary.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        // packets in, packets out, distinct, duplicates, scale-outs, scale-ins, dead letters
        #expect(numbers.count == 7)
        #expect(numbers[0] > 1_000, "\(summary)")
        #expect(numbers[1] > 0, "no packet reached the sink: \(summary)")
        #expect(numbers[1] == numbers[2] + numbers[3], "\(summary)")
        #expect(numbers[4] >= 1, "\(summary)")
    }
}
