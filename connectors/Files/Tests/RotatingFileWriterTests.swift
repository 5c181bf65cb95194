import Foundation
import PacketFlowFileConnectors
import Testing

@Suite("Rotating file writer")
struct RotatingFileWriterTests {
    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pf-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private func lines(_ path: String) throws -> [String] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test("lines rotate by size, whole, newest in PATH, none lost within the kept files")
    func rotation() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("out.jsonl").path
        let writer = try RotatingFileWriter(path: path, maxBytes: 100, keep: 10)
        let written = (1...30).map { #"{"n":\#($0)}"# }
        for line in written { try writer.write(Array(line.utf8)) }
        writer.close()
        let rotated = (1...10).reversed().map { "\(path).\($0)" }
        var all: [String] = []
        for file in rotated + [path] {
            if let size = try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int {
                #expect(size <= 100, "\(file) is \(size) bytes")
            }
            all += try lines(file)
        }
        #expect(all == written)
        #expect(FileManager.default.fileExists(atPath: "\(path).1"))
    }

    @Test("past `keep` rotated files the oldest are removed")
    func keepsOnlySome() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("out.jsonl").path
        let writer = try RotatingFileWriter(path: path, maxBytes: 10, keep: 2)
        for n in 1...5 { try writer.write(Array(#"{"n":\#(n)}"#.utf8)) }
        writer.close()
        #expect(try lines("\(path).2") == [#"{"n":3}"#])
        #expect(try lines("\(path).1") == [#"{"n":4}"#])
        #expect(try lines(path) == [#"{"n":5}"#])
        #expect(!FileManager.default.fileExists(atPath: "\(path).3"))
    }

    @Test("an existing file is appended to and counts toward the limit")
    func appends() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("out.jsonl").path
        try Data("{\"old\":1}\n".utf8).write(to: URL(fileURLWithPath: path))
        let writer = try RotatingFileWriter(path: path, maxBytes: 20)
        try writer.write(Array("{\"new\":1}".utf8))
        try writer.write(Array("{\"new\":2}".utf8))
        writer.close()
        #expect(try lines("\(path).1") == [#"{"old":1}"#, #"{"new":1}"#])
        #expect(try lines(path) == [#"{"new":2}"#])
    }
}
