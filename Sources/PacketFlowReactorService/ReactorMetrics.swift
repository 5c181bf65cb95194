import CoreMetrics
import PacketFlowReactor
import Prometheus
import Synchronization

/// The reactor's Prometheus metrics, per molecule and stage.
///
/// Gauges: `packetflow_stage_lag`, `packetflow_stage_replicas_running`,
/// `packetflow_stage_replicas_desired`, `packetflow_stage_input_rate`,
/// `packetflow_stage_processing_rate`, `packetflow_stage_dead_letters` (written by the stage),
/// `packetflow_stage_paused` (1 while paused), `packetflow_stage_crash_looping` (1 while the
/// health is CRASHLOOP); counters:
/// `packetflow_stage_decisions_total` (label `action`), `packetflow_stage_restarts_total`.
/// Made through the swift-metrics API on a `PrometheusMetricsFactory` over ``registry``,
/// which `GET /metrics` renders. Thread-safe.
public final class ReactorMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let restartsSeen = Mutex<[String: Int]>([:])

    /// Metrics on a registry of their own (so tests never share one).
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        self.factory = PrometheusMetricsFactory(registry: registry)
    }

    /// Records a stage's numbers after a sampling round.
    public func record(molecule: String, _ status: StageStatus) {
        let labels = [("molecule", molecule), ("stage", status.stage)]
        func gauge(_ name: String, _ value: Double) {
            Gauge(label: name, dimensions: labels, factory: factory).record(value)
        }
        gauge("packetflow_stage_lag", Double(status.lag))
        gauge("packetflow_stage_replicas_running", Double(status.runningReplicas))
        gauge("packetflow_stage_replicas_desired", Double(status.desiredReplicas))
        gauge("packetflow_stage_input_rate", status.inputRate)
        gauge("packetflow_stage_processing_rate", status.processingRate)
        gauge("packetflow_stage_dead_letters", Double(status.deadLetters))
        gauge("packetflow_stage_paused", status.paused ? 1 : 0)
        gauge("packetflow_stage_crash_looping", status.health == StabilityVerdict.crashLoopHealth ? 1 : 0)
        let key = "\(molecule)\u{0}\(status.stage)"
        let newRestarts = restartsSeen.withLock { seen in
            defer { seen[key] = status.restarts }
            return max(0, status.restarts - (seen[key] ?? 0))
        }
        let restarts = Counter(label: "packetflow_stage_restarts_total", dimensions: labels, factory: factory)
        restarts.increment(by: newRestarts)
    }

    /// Counts one decision of a stage (`action`: scale-out, scale-in, hold, manual, or a healing action).
    public func countDecision(molecule: String, stage: String, action: String) {
        Counter(
            label: "packetflow_stage_decisions_total",
            dimensions: [("molecule", molecule), ("stage", stage), ("action", action)], factory: factory
        ).increment()
    }

    /// Makes this registry the process's swift-metrics backend, so every swift-metrics user
    /// of the process shows in `/metrics`. Call at most once per process (swift-metrics' rule).
    public func bootstrapMetricsSystem() {
        MetricsSystem.bootstrap(factory)
    }

    /// The metrics in Prometheus' text format.
    public func render() -> String {
        registry.emitToString()
    }
}
