/// One argument of a call, optionally labelled: `"postgres"`, `to: ValidatePacket`.
struct SyntaxArgument: Sendable, Hashable {
    var label: String?
    var start: Int
    var value: SyntaxValue
    var end: Int { value.end }
}
