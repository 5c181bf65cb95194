import Foundation
import PacketFlowReactorService
import Subprocess
import Testing

@Suite("The reactor's web page in headless Chromium", .serialized)
struct DashboardBrowserTests {
    static let groupColours = [
        "CF": "1f77b4", "DF": "2ca02c", "ED": "ff7f0e", "CO": "9467bd", "MC": "d62728", "RM": "8c564b",
    ]

    @Test(
        "the page shows every stage of the examples with the numbers of packetflow status --json, in every group colour",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")), .timeLimit(.minutes(3)))
    func pageMatchesStatus() async throws {
        let port = DevRun.port()
        let folder = FileManager.default.temporaryDirectory.appending(path: "pf-dashboard-\(port)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (outcome, checked) = try await DevRun.with([
            "examples/dev/checkout.pf", "examples/dev/periodic.pf", "--port", "\(port)", "--duration", "90s",
        ]) { () async throws -> [MoleculeStatus] in
            // Idle and settled: every stage runs what it wants and has no lag, so the numbers
            // cannot move between the page's poll and ours.
            let settled = try await DevRun.poll(timeout: .seconds(30)) { () async throws -> [MoleculeStatus]? in
                guard let checkout = try await DevRun.status("Checkout", port: port),
                    let periodic = try await DevRun.status("Periodic", port: port)
                else { return nil }
                let all = [checkout, periodic]
                return all.allSatisfy { $0.stages.allSatisfy { $0.runningReplicas == $0.desiredReplicas && $0.lag == 0 } }
                    ? all : nil
            }
            let before = try #require(settled, "the examples did not settle")
            let url = "http://127.0.0.1:\(port)/ui"
            let dom = try await Self.chromium(["--dump-dom", url])
            let screenshot = folder + "/page.png"
            _ = try await Self.chromium(["--window-size=1400,1000", "--screenshot=\(screenshot)", url])
            let after = [
                try #require(try await DevRun.status("Checkout", port: port)),
                try #require(try await DevRun.status("Periodic", port: port)),
            ]
            #expect(before == after || before.map(\.stages.count) == after.map(\.stages.count))
            try Self.expectPage(dom, shows: after)
            try await Self.expectColours(screenshot, of: after)
            return after
        }
        #expect(outcome.exitCode == 0, "\(outcome.standardError.suffix(2_000))")
        #expect(checked.flatMap(\.stages).count == 9)
    }

    /// Every stage is a row whose replicas, lag, group and consumer group equal the status.
    static func expectPage(_ dom: String, shows statuses: [MoleculeStatus]) throws {
        #expect(dom.contains("data-ready=\"true\""), "the page never rendered:\n\(dom.prefix(2_000))")
        for status in statuses {
            #expect(dom.contains("data-molecule=\"\(status.molecule)\""))
            for stage in status.stages {
                let start = try #require(dom.range(of: "<tr data-stage=\"\(stage.stage)\">"), "no row for \(stage.stage)")
                let row = String(dom[start.upperBound...].prefix { $0 != "\u{0}" }.prefix(1_500))
                let end = row.range(of: "</tr>").map { String(row[..<$0.lowerBound]) } ?? row
                #expect(end.contains("data-running=\"\(stage.runningReplicas)\""), "\(stage.stage): \(end)")
                #expect(end.contains("data-desired=\"\(stage.desiredReplicas)\""), "\(stage.stage): \(end)")
                #expect(end.contains("<span data-field=\"lag\">\(stage.lag)</span>"), "\(stage.stage): \(end)")
                #expect(end.contains(">\(stage.group)</td>"), "\(stage.stage): \(end)")
                #expect(end.contains(">\(stage.consumerGroup)</td>"), "\(stage.stage): \(end)")
                #expect(end.contains(">\(stage.health)</td>"), "\(stage.stage): \(end)")
                #expect(dom.contains("data-packet=\"\(stage.stage)\""), "no node for \(stage.stage)")
            }
        }
    }

    /// The screenshot has the window's size and boxes in the colour of every group shown.
    static func expectColours(_ path: String, of statuses: [MoleculeStatus]) async throws {
        let groups = Set(statuses.flatMap(\.stages).map(\.group))
        let colours = groups.sorted().map { groupColours[$0]! }
        let result = try await Subprocess.run(
            .path("/usr/bin/python3"), arguments: Arguments([DevRun.root + "/scripts/png-colours.py", path] + colours),
            output: .string(limit: 1 << 16), error: .string(limit: 1 << 16))
        let lines = result.standardOutput.split(separator: "\n")
        #expect(lines.first == "1400 1000", "\(result.standardError)")
        for line in lines.dropFirst() {
            let parts = line.split(separator: " ")
            // A packet box is 140 x 44 pixels; text and the group marks take some of it.
            #expect(Int(parts[1]) ?? 0 > 2_000, "too few pixels of colour \(parts[0])")
        }
        #expect(lines.count == 1 + groups.count)
    }

    static func chromium(_ arguments: [String]) async throws -> String {
        let result = try await Subprocess.run(
            .path("/usr/bin/chromium"),
            arguments: Arguments(
                ["--headless", "--disable-gpu", "--no-sandbox", "--virtual-time-budget=4000"] + arguments),
            output: .string(limit: 8 << 20), error: .discarded)
        return result.standardOutput
    }
}
