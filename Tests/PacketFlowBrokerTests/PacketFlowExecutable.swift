import Foundation

/// The `packetflow` binary built beside this test bundle.
///
/// SwiftPM puts test bundles and executables in the same products folder of the scratch
/// path (e.g. `.build/debug`), so the binary is found by walking up from the running test
/// executable.
enum PacketFlowExecutable {
    struct Missing: Error, CustomStringConvertible {
        let searched: String
        var description: String {
            "no packetflow binary above \(searched); build it first (swift build --product packetflow)"
        }
    }

    static func path() throws -> String {
        let running = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var folder = running.deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appending(path: "packetflow")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: candidate.path) {
                return candidate.path
            }
            folder = folder.deletingLastPathComponent()
        }
        throw Missing(searched: running.path)
    }
}
