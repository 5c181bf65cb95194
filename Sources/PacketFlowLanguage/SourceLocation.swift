/// A position in a molecule file: file name, 1-based line and column, and byte offset.
public struct SourceLocation: Sendable, Hashable, Codable, Comparable {
    /// The file's name as given to the loader.
    public var file: String
    /// The 1-based line.
    public var line: Int
    /// The 1-based column, in Unicode scalars.
    public var column: Int
    /// The UTF-8 byte offset from the start of the file.
    public var offset: Int

    /// Creates a location.
    public init(file: String, line: Int, column: Int, offset: Int) {
        self.file = file
        self.line = line
        self.column = column
        self.offset = offset
    }

    /// Orders by file name, then position.
    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.offset) < (rhs.file, rhs.offset)
    }
}

extension SourceLocation: CustomStringConvertible {
    /// `file:line:column`, the prefix of a rendered diagnostic.
    public var description: String { "\(file):\(line):\(column)" }
}
