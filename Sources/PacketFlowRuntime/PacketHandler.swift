import PacketFlowCore

/// A handler: an async function from one packet to zero, one or many packets, or an error.
///
/// Return `[]` to consume the packet, `[output]` to hand one result on, several to fan out;
/// throw to fail the attempt (the worker retries with backoff, then dead-letters). The worker
/// sets each output's id (deterministic from the input's), molecule, stage, group, kind and
/// trace context; a handler sets payload, and optionally key, priority, deadline and extra
/// headers. Handlers run concurrently for data-flow stages: they must be `Sendable` and should
/// react to task cancellation, which is how the stage timeout stops them.
public typealias PacketHandler = @Sendable (Packet, HandlerContext) async throws -> [Packet]
