import PacketFlowJSON

/// The `filter` built-in's condition: a JSON field compared with a literal.
///
/// Written `PATH OP LITERAL` or `PATH exists`, e.g. `order.amount >= 100`,
/// `status == "paid"`, `customer.vip == true`, `coupon exists`. OP is one of `==`, `!=`, `<`,
/// `<=`, `>`, `>=`; the literal is JSON (a bare word counts as a string). Numbers compare by
/// value whether written as integers or reals; `<` and friends also order strings; a missing
/// field makes every comparison false except `!=`.
public struct FieldFilter: Sendable, Hashable {
    /// How the field is compared.
    public enum Comparison: String, Sendable, Hashable, CaseIterable {
        case equal = "=="
        case notEqual = "!="
        case lessOrEqual = "<="
        case greaterOrEqual = ">="
        case less = "<"
        case greater = ">"
        case exists
    }

    /// The field's dotted path.
    public var path: JSONPath
    /// The comparison.
    public var comparison: Comparison
    /// The literal compared with; `nil` for `exists`.
    public var literal: JSONValue?

    /// Parses a condition; throws ``RuntimeError`` (`invalidBuiltin`) showing the expected form.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: " ")
        if trimmed.hasSuffix(" exists") {
            path = try Self.path(String(trimmed.dropLast(" exists".count)), in: text)
            comparison = .exists
            literal = nil
            return
        }
        // Two-character operators first, so `<=` is not read as `<`.
        for candidate in Comparison.allCases where candidate != .exists {
            guard let range = trimmed.range(of: candidate.rawValue) else { continue }
            path = try Self.path(String(trimmed[..<range.lowerBound]), in: text)
            comparison = candidate
            let literalText = String(trimmed[range.upperBound...]).trimmingCharacters(in: " ")
            guard !literalText.isEmpty else { break }
            literal = (try? JSON.parse(literalText)) ?? .string(literalText)
            return
        }
        throw RuntimeError(
            .invalidBuiltin,
            "cannot read filter condition '\(text)': write PATH OP VALUE (OP one of == != < <= > >=) or PATH exists, e.g. filter: order.amount >= 100")
    }

    /// Whether `document` passes the condition.
    public func matches(_ document: JSONValue) -> Bool {
        let field = document.value(at: path)
        switch comparison {
        case .exists: return field != nil
        case .equal: return field.map { Self.equal($0, literal!) } ?? false
        case .notEqual: return field.map { !Self.equal($0, literal!) } ?? true
        case .less: return Self.order(field, literal!).map { $0 < 0 } ?? false
        case .lessOrEqual: return Self.order(field, literal!).map { $0 <= 0 } ?? false
        case .greater: return Self.order(field, literal!).map { $0 > 0 } ?? false
        case .greaterOrEqual: return Self.order(field, literal!).map { $0 >= 0 } ?? false
        }
    }

    private static func path(_ text: String, in condition: String) throws -> JSONPath {
        let trimmed = text.trimmingCharacters(in: " ")
        guard !trimmed.isEmpty, let path = try? JSONPath(trimmed) else {
            throw RuntimeError(.invalidBuiltin, "cannot read the field path in filter condition '\(condition)': write a dotted path such as order.amount")
        }
        return path
    }

    private static func equal(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        if let left = lhs.doubleValue, let right = rhs.doubleValue { return left == right }
        return lhs == rhs
    }

    /// -1, 0 or 1 for comparable numbers or strings; nil otherwise.
    private static func order(_ lhs: JSONValue?, _ rhs: JSONValue) -> Int? {
        if let left = lhs?.doubleValue, let right = rhs.doubleValue { return left < right ? -1 : (left == right ? 0 : 1) }
        if let left = lhs?.stringValue, let right = rhs.stringValue { return left < right ? -1 : (left == right ? 0 : 1) }
        return nil
    }
}

extension String {
    /// The text without leading and trailing `character`s.
    func trimmingCharacters(in character: Character) -> String {
        guard let first = firstIndex(where: { $0 != character }), let last = lastIndex(where: { $0 != character }) else { return "" }
        return String(self[first...last])
    }
}
