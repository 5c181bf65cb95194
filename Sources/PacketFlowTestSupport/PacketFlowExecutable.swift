import Foundation
import Subprocess

/// The `packetflow` binary built beside the test bundle, run as a child process.
///
/// SwiftPM puts test bundles and executables in the same products folder of the scratch
/// path (e.g. `.build/debug`), so the binary is found by walking up from the running test
/// executable.
public enum PacketFlowExecutable {
    /// The binary could not be found.
    public struct Missing: Error, CustomStringConvertible {
        let searched: String
        public var description: String {
            "no packetflow binary above \(searched); build it first (swift build --product packetflow)"
        }
    }

    /// What one run printed and how it ended.
    public struct Outcome: Sendable {
        /// The exit code, or -1 when a signal ended the process.
        public var exitCode: Int32
        /// Everything written to standard output.
        public var standardOutput: String
        /// Everything written to standard error.
        public var standardError: String
    }

    /// The path of the binary.
    public static func path() throws -> String {
        let running = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var folder = running.deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appending(path: "packetflow")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                FileManager.default.isExecutableFile(atPath: candidate.path)
            {
                return candidate.path
            }
            folder = folder.deletingLastPathComponent()
        }
        throw Missing(searched: running.path)
    }

    /// Runs `packetflow` with `arguments` and `input` on standard input, and waits for it.
    public static func run(
        _ arguments: [String], input: String = "", environment: [String: String] = [:]
    ) async throws -> Outcome {
        var overrides: [Environment.Key: String?] = [:]
        for (name, value) in environment { overrides[Environment.Key(stringLiteral: name)] = value }
        let result = try await Subprocess.run(
            .path(.init(try path())),
            arguments: Arguments(arguments),
            environment: .inherit.updating(overrides),
            input: .string(input),
            output: .string(limit: 64 << 20),
            error: .string(limit: 4 << 20))
        let exitCode: Int32 =
            if case .exited(let code) = result.terminationStatus { code } else { -1 }
        return Outcome(exitCode: exitCode, standardOutput: result.standardOutput, standardError: result.standardError)
    }
}
