import Dispatch
import Foundation
import Synchronization

/// A task executor that runs every job on one dedicated thread, in the order enqueued.
///
/// The publisher runs its loop here (`withTaskExecutorPreference`) so that it stays on one
/// thread: librdkafka allocates each record on the enqueuing thread and frees it when that
/// thread serves the delivery report. On the cooperative pool the loop hops between threads
/// after every read, so glibc allocates from one thread's arena and frees into another's;
/// pinned (and with `nonisolated(nonsending)` on the hot path), `publish` measured about a
/// tenth less CPU. Call `shutdown()` when done: the thread keeps the executor alive until it
/// exits.
final class DedicatedThreadExecutor: TaskExecutor {
    private let state = Mutex(State())
    /// Signalled once per enqueued job and once by `shutdown`.
    private let wakeUp = DispatchSemaphore(value: 0)

    private struct State {
        var jobs: [UnownedJob] = []
        var stopping = false
    }

    /// Starts the thread, named `name`.
    init(name: String) {
        let thread = Thread { [self] in runJobs() }
        thread.name = name
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        state.withLock { $0.jobs.append(job) }
        wakeUp.signal()
    }

    /// Lets the thread finish once every job enqueued before this call has run.
    func shutdown() {
        state.withLock { $0.stopping = true }
        wakeUp.signal()
    }

    private func runJobs() {
        while true {
            wakeUp.wait()
            let (jobs, stopping) = state.withLock { state in
                defer { state.jobs.removeAll(keepingCapacity: true) }
                return (state.jobs, state.stopping)
            }
            for job in jobs {
                job.runSynchronously(on: asUnownedTaskExecutor())
            }
            if stopping && jobs.isEmpty && state.withLock({ $0.jobs.isEmpty }) { return }
        }
    }
}
