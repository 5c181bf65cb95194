import Dispatch

/// Runs blocking work, such as calls into librdkafka's mock cluster, off the cooperative pool.
///
/// The mock's calls wait for its own thread to answer (tens of milliseconds to create a
/// topic); a Swift task awaiting them here leaves the cooperative threads free.
enum BlockingWork {
    static func run<Result: Sendable>(
        _ body: @escaping @Sendable () throws(BrokerError) -> Result
    ) async throws(BrokerError) -> Result {
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<Swift.Result<Result, BrokerError>, Never>) in
            DispatchQueue.global().async {
                do throws(BrokerError) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try outcome.get()
    }
}
