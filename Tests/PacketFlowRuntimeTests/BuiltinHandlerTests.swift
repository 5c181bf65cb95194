import Logging
import PacketFlow
import Testing

/// The built-in handlers: passthrough, log, drop, filter and map.
@Suite("Built-in handlers")
struct BuiltinHandlerTests {
    static let order: JSONValue = ["order": ["id": "A-1", "amount": 120, "vip": true], "status": "paid"]

    @Test(
        "filter conditions",
        arguments: [
            ("order.amount >= 100", true), ("order.amount > 120", false), ("order.amount == 120.0", true),
            ("order.amount < 50", false), ("status == \"paid\"", true), ("status == paid", true),
            ("status != paid", false), ("order.vip == true", true), ("coupon exists", false),
            ("order.id exists", true), ("coupon != 1", true), ("status <= \"zzz\"", true),
        ])
    func filter(condition: String, passes: Bool) throws {
        #expect(try FieldFilter(parsing: condition).matches(Self.order) == passes)
    }

    @Test("unreadable conditions and projections fail with the expected form", arguments: ["order.amount", ">= 3", "a ==", ""])
    func badFilter(condition: String) {
        #expect(throws: RuntimeError.self) { try FieldFilter(parsing: condition) }
    }

    @Test("map projects and renames fields, leaving out missing ones")
    func map() throws {
        let map = try FieldMap(parsing: "id=order.id, total = order.amount, status, missing=nowhere")
        #expect(map.apply(to: Self.order) == ["id": "A-1", "total": 120, "status": "paid"])
        #expect(throws: RuntimeError.self) { try FieldMap(parsing: " , ") }
    }

    @Test("the handlers by name: passthrough, forward, drop, filter and map")
    func handlers() async throws {
        let packet = Packet(group: .dataFlow, kind: "order", payload: try Self.order.serialized())
        let context = HandlerContext(molecule: "M", stage: "S", packetName: "P", logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        #expect(try await BuiltinHandler.handler(for: "passthrough")(packet, context) == [packet])
        #expect(try await BuiltinHandler.handler(for: "forward")(packet, context) == [packet])
        #expect(try await BuiltinHandler.handler(for: "log")(packet, context) == [packet])
        #expect(try await BuiltinHandler.handler(for: "drop")(packet, context).isEmpty)
        #expect(try await BuiltinHandler.handler(for: "filter: order.amount > 100")(packet, context) == [packet])
        #expect(try await BuiltinHandler.handler(for: "filter: order.amount > 500")(packet, context).isEmpty)
        let mapped = try await BuiltinHandler.handler(for: "map: id=order.id")(packet, context)
        #expect(try mapped.map { try $0.json() } == [["id": "A-1"]])
        #expect(throws: RuntimeError.self) { try BuiltinHandler.handler(for: "teleport") }
    }

    @Test("every built-in the molecule checker accepts runs in the worker", arguments: HandlerReference.builtinNames)
    func checkerAndWorkerAgree(_ name: String) throws {
        let arguments = ["filter": "order.id exists", "map": "order.id"]
        #expect(HandlerReference.builtinNamesTakingArgument.sorted() == arguments.keys.sorted())
        let text = arguments[name].map { "\(name): \($0)" } ?? name
        #expect(throws: Never.self) { try BuiltinHandler.handler(for: text) }
    }
}
