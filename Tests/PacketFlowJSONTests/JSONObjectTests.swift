import PacketFlowJSON
import Testing

@Suite("Objects and accessors")
struct JSONObjectTests {
    @Test("setting keeps position, adding appends, removing keeps the rest in order")
    func mutation() {
        var object: JSONObject = ["a": 1, "b": 2, "c": 3]
        object["b"] = "two"
        object["d"] = 4
        #expect(object.removeValue(forKey: "a") == 1)
        object["c"] = nil
        #expect(object.keys == ["b", "d"])
        #expect(object.values == ["two", 4])
        #expect(object.updateValue(5, forKey: "d") == 4)
        #expect(object.removeValue(forKey: "zzz") == nil)
    }

    @Test("large objects look keys up correctly through their index", arguments: [5, 12, 13, 40, 1000])
    func largeObjects(count: Int) throws {
        var object = JSONObject()
        for index in 0..<count {
            object["k\(index)"] = .integer(Int64(index))
        }
        for index in stride(from: 0, to: count, by: 2) {
            object["k\(index)"] = nil
        }
        object["k1"] = "replaced"
        #expect(object.count == count / 2)
        #expect(object["k1"] == "replaced")
        #expect(object["k0"] == nil)
        #expect(object["k\(count - 1 - (count % 2 == 0 ? 0 : 1))"] != nil)
        #expect(object.keys.first == "k1")
        let text = "{" + (0..<count).map { #""k\#($0)":\#($0)"# }.joined(separator: ",") + "}"
        let parsed = try #require(try JSON.parse(text).objectValue)
        #expect(parsed["k\(count - 1)"] == .integer(Int64(count - 1)))
        #expect(parsed.keys == (0..<count).map { "k\($0)" })
    }

    @Test("an object built from pairs keeps the first position and last value of a repeated key")
    func fromPairs() {
        let object = JSONObject([("a", 1), ("b", 2), ("a", 3)])
        #expect(object.keys == ["a", "b"])
        #expect(object["a"] == 3)
    }

    @Test("objects with different members are unequal")
    func inequality() {
        #expect(JSONValue(["a": 1]) != ["a": 2])
        #expect(JSONValue(["a": 1]) != ["b": 1])
        #expect(JSONValue(["a": 1]) != ["a": 1, "b": 1])
        #expect(JSONValue.integer(1) != .number(1))
    }

    @Test("subscripts and accessors return nil instead of trapping")
    func accessors() {
        let value: JSONValue = ["list": [1, "two"], "flag": true, "nothing": nil, "text": "t"]
        #expect(value["list"]?[1]?.stringValue == "two")
        #expect(value["list"]?[2] == nil)
        #expect(value["list"]?[-1] == nil)
        #expect(value["flag"]?[0] == nil)
        #expect(value["text"]?["x"] == nil)
        #expect(value["flag"]?.boolValue == true)
        #expect(value["nothing"]?.isNull == true)
        #expect(value["text"]?.int64Value == nil)
        #expect(value["list"]?.arrayValue?.count == 2)
        #expect(value.objectValue?.count == 4)
        #expect(JSONValue.number(0x1p63).int64Value == nil)
        #expect(JSONValue.number(-0x1p63).int64Value == Int64.min)
        #expect(JSONValue.number(.nan).int64Value == nil)
    }

    @Test("interpolated string literals are strings")
    func interpolation() {
        let id = 7
        let value: JSONValue = "order-\(id)"
        #expect(value == .string("order-7"))
    }
}

extension JSONValue {
    /// Lets tests write `JSONValue(["a": 1])` where the literal's type would otherwise be ambiguous.
    fileprivate init(_ value: JSONValue) {
        self = value
    }
}
