import Foundation

/// Fresh temporary folders for one test each.
enum FileManagerTemporary {
    /// A new empty folder under the system's temporary directory.
    static func folder(_ prefix: String) -> String {
        let path = FileManager.default.temporaryDirectory.appending(path: "\(prefix)-\(UUID().uuidString.prefix(8))").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
