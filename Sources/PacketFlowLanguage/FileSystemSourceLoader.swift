#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads molecule files from the local file system, relative to the working directory.
///
/// Blocking reads: call it from a thread that may block (the command line does). Files larger
/// than 64 MiB are refused; molecule files are small.
public struct FileSystemSourceLoader: SourceLoader {
    /// Creates a loader.
    public init() {}

    /// Reads `path` as UTF-8.
    public func load(_ path: String) throws(LanguageError) -> String {
        guard let file = fopen(path, "rb") else {
            throw LanguageError(.unreadableFile, String(cString: strerror(errno)).lowercased())
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if count > 0 { bytes.append(contentsOf: chunk[0..<count]) }
            if count < chunk.count {
                if ferror(file) != 0 { throw LanguageError(.unreadableFile, "read error") }
                break
            }
            if bytes.count > 64 << 20 { throw LanguageError(.unreadableFile, "file is larger than 64 MiB") }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw LanguageError(.unreadableFile, "not UTF-8 text")
        }
        return text
    }
}
