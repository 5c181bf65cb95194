/// The members of a JSON object: unique string keys, kept in input (or insertion) order.
///
/// Order is kept so that a message read and written again looks the same to people and diffs.
/// Equality and hashing ignore order, as JSON does: `{"a":1,"b":2} == {"b":2,"a":1}`.
/// Lookup by key scans small objects and uses a hash index once an object has more than
/// ``indexThreshold`` members. Setting an existing key replaces its value in place.
///
/// Keys compare as Swift strings, so `"é"` precomposed and decomposed are one key here while jansson
/// sees two: such a document still parses and writes back unchanged, but a lookup finds the first.
public struct JSONObject: Sendable, Hashable, RandomAccessCollection, ExpressibleByDictionaryLiteral,
    CustomStringConvertible
{
    /// One member.
    public typealias Element = (key: String, value: JSONValue)

    /// The member count above which key lookup uses a hash index instead of a linear scan.
    static let indexThreshold = 12

    /// The keys, in order.
    public private(set) var keys: [String]
    /// The values, in the order of ``keys``.
    public private(set) var values: [JSONValue]
    /// Key to position, only for objects larger than ``indexThreshold``.
    private var positions: [String: Int]?

    /// An empty object.
    public init() {
        keys = []
        values = []
    }

    /// An empty object with room for `capacity` members.
    public init(minimumCapacity capacity: Int) {
        keys = []
        values = []
        keys.reserveCapacity(capacity)
        values.reserveCapacity(capacity)
    }

    /// An object from key-value pairs in order; a repeated key keeps its first position and last value.
    public init(_ members: some Sequence<(String, JSONValue)>) {
        self.init()
        for (key, value) in members {
            self[key] = value
        }
    }

    /// An object from a literal; repeating a key in the literal is a programming error and traps.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(literalMembers: elements)
    }

    /// An object from keys the caller knows are unique (a parser that rejected duplicates) and their values.
    init(uniqueKeys keys: [String], values: [JSONValue]) {
        self.keys = keys
        self.values = values
        rebuildIndex()
    }

    /// An object from a literal's members, trapping on a repeated key as `Dictionary` literals do.
    init(literalMembers members: [(String, JSONValue)]) {
        self.init(minimumCapacity: members.count)
        for (key, value) in members {
            precondition(position(ofKey: key) == nil, "duplicate key \"\(key)\" in a JSON object literal")
            append(key: key, value: value)
        }
    }

    /// The position of the first member; always 0.
    public var startIndex: Int { 0 }
    /// One past the last member's position.
    public var endIndex: Int { keys.count }

    /// The member at `position`, which must be valid.
    public subscript(position: Int) -> Element {
        (keys[position], values[position])
    }

    /// The value for `key`, or `nil`; setting `nil` removes the member, setting a value replaces it in
    /// place or appends it at the end.
    public subscript(key: String) -> JSONValue? {
        get {
            position(ofKey: key).map { values[$0] }
        }
        set {
            if let newValue {
                updateValue(newValue, forKey: key)
            } else {
                removeValue(forKey: key)
            }
        }
    }

    /// Sets the value for `key` (in place, or appended at the end) and returns the value it replaced.
    @discardableResult
    public mutating func updateValue(_ value: JSONValue, forKey key: String) -> JSONValue? {
        if let position = position(ofKey: key) {
            let old = values[position]
            values[position] = value
            return old
        }
        append(key: key, value: value)
        return nil
    }

    /// Removes the member for `key`, keeping the others' order, and returns its value.
    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        guard let position = position(ofKey: key) else { return nil }
        keys.remove(at: position)
        let old = values.remove(at: position)
        rebuildIndex()
        return old
    }

    /// Appends a member whose key the caller knows is new (jansson has already rejected duplicates).
    mutating func append(key: String, value: JSONValue) {
        keys.append(key)
        values.append(value)
        if positions != nil {
            positions?[key] = keys.count - 1
        } else if keys.count > Self.indexThreshold {
            rebuildIndex()
        }
    }

    private func position(ofKey key: String) -> Int? {
        if let positions {
            return positions[key]
        }
        return keys.firstIndex(of: key)
    }

    private mutating func rebuildIndex() {
        guard keys.count > Self.indexThreshold else {
            positions = nil
            return
        }
        var index = [String: Int](minimumCapacity: keys.count)
        for (position, key) in keys.enumerated() {
            index[key] = position
        }
        positions = index
    }

    /// The object as compact JSON text, for logs and test failures.
    public var description: String {
        JSONValue.object(self).description
    }

    /// Equal when both have the same keys with equal values, in any order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for (key, value) in lhs where rhs[key] != value {
            return false
        }
        return true
    }

    /// Hashes the members independently of their order, consistent with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        var combined = 0
        for (key, value) in self {
            var member = Hasher()
            member.combine(key)
            member.combine(value)
            combined = combined &+ member.finalize()
        }
        hasher.combine(combined)
    }
}
