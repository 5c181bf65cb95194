import Dispatch

/// Runs blocking librdkafka calls (flush, committed, watermarks, close) off the cooperative pool.
enum BlockingCall {
    private static let queue = DispatchQueue(label: "packetflow.kafka.blocking", attributes: .concurrent)

    /// Runs `body` on a dispatch thread and returns its result to the awaiting task.
    static func run<Result: Sendable>(
        _ body: @escaping @Sendable () throws(KafkaError) -> Result
    ) async throws(KafkaError) -> Result {
        let outcome: Swift.Result<Result, KafkaError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Swift.Result { () throws(KafkaError) in try body() })
            }
        }
        return try outcome.get()
    }
}
