import PacketFlowCore
import PacketFlowJSON

extension Packet {
    /// The payload parsed as JSON.
    ///
    /// Throws `JSONError` when the payload is not JSON (the worker dead-letters such input
    /// before a handler sees it, so inside a handler this fails only for hand-made packets).
    public func json() throws -> JSONValue {
        try JSON.parse(payload)
    }

    /// This packet with `payload` as its payload: the usual way to build a handler's result.
    public func with(payload: [UInt8]) -> Packet {
        var copy = self
        copy.payload = payload
        return copy
    }

    /// This packet with `value` serialized as its payload.
    ///
    /// Throws `JSONError` for values JSON cannot hold (NaN, infinity).
    public func with(json value: JSONValue) throws -> Packet {
        with(payload: try value.serialized())
    }
}
