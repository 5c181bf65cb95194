/// `key: value` inside an object.
struct SyntaxField: Sendable, Hashable {
    var key: String
    var keyStart: Int
    var value: SyntaxValue
    var start: Int { keyStart }
    var end: Int { value.end }
}
