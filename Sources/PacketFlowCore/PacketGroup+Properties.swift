extension PacketGroup {
    /// The group's row of the periodic table.
    ///
    /// docs/periodic-table.md gives the reason for every value.
    public var properties: GroupProperties {
        switch self {
        case .controlFlow:
            GroupProperties(
                ordering: .sequentialPerKey,
                latency: .standard,
                defaultPartitions: 6,
                concurrencyPerWorker: 1,
                consumer: .init(fetchWaitMax: .milliseconds(100), maxBatch: 100),
                producer: .init(linger: .milliseconds(5), batchMessages: 1_000),
                retry: .init(maxAttempts: 5, initialBackoff: .milliseconds(200), maxBackoff: .seconds(10)),
                scaling: .init(
                    minReplicas: 1, maxReplicas: 6, scaleOutFactor: 1.5,
                    orderingCapsParallelism: true, scaleInStabilization: .seconds(300)),
                placement: .sequentialNode)
        case .dataFlow:
            GroupProperties(
                ordering: .parallel,
                latency: .throughput,
                defaultPartitions: 12,
                concurrencyPerWorker: 16,
                consumer: .init(fetchWaitMax: .milliseconds(100), maxBatch: 1_000),
                producer: .init(linger: .milliseconds(10), batchMessages: 10_000),
                retry: .init(maxAttempts: 3, initialBackoff: .milliseconds(100), maxBackoff: .seconds(5)),
                scaling: .init(
                    minReplicas: 1, maxReplicas: 12, scaleOutFactor: 2.0,
                    orderingCapsParallelism: false, scaleInStabilization: .seconds(30)),
                placement: .parallelPool)
        case .eventDriven:
            GroupProperties(
                ordering: .parallel,
                latency: .low,
                defaultPartitions: 6,
                concurrencyPerWorker: 8,
                consumer: .init(fetchWaitMax: .milliseconds(5), maxBatch: 100),
                producer: .init(linger: .milliseconds(1), batchMessages: 1_000),
                retry: .init(maxAttempts: 3, initialBackoff: .milliseconds(50), maxBackoff: .seconds(1)),
                scaling: .init(
                    minReplicas: 2, maxReplicas: 6, scaleOutFactor: 2.0,
                    orderingCapsParallelism: false, scaleInStabilization: .seconds(300)),
                placement: .edge,
                duties: .checksDeadlines)
        case .collective:
            GroupProperties(
                ordering: .sequentialPerKey,
                latency: .standard,
                defaultPartitions: 3,
                concurrencyPerWorker: 1,
                consumer: .init(fetchWaitMax: .milliseconds(100), maxBatch: 500),
                producer: .init(linger: .milliseconds(5), batchMessages: 1_000),
                retry: .init(maxAttempts: 5, initialBackoff: .milliseconds(200), maxBackoff: .seconds(10)),
                scaling: .init(
                    minReplicas: 1, maxReplicas: 1, scaleOutFactor: 1.0,
                    orderingCapsParallelism: true, scaleInStabilization: .seconds(600)),
                placement: .coordinator,
                duties: .gathers)
        case .metaComputational:
            GroupProperties(
                ordering: .sequentialPerKey,
                latency: .low,
                defaultPartitions: 1,
                concurrencyPerWorker: 1,
                consumer: .init(fetchWaitMax: .milliseconds(50), maxBatch: 100),
                producer: .init(linger: .zero, batchMessages: 100),
                retry: .init(maxAttempts: 10, initialBackoff: .milliseconds(500), maxBackoff: .seconds(30)),
                scaling: .init(
                    minReplicas: 1, maxReplicas: 1, scaleOutFactor: 1.0,
                    orderingCapsParallelism: true, scaleInStabilization: .seconds(600)),
                placement: .control,
                duties: .reportsToReactor)
        case .resourceManagement:
            GroupProperties(
                ordering: .sequentialPerKey,
                latency: .low,
                defaultPartitions: 3,
                concurrencyPerWorker: 4,
                consumer: .init(fetchWaitMax: .milliseconds(20), maxBatch: 200),
                producer: .init(linger: .milliseconds(1), batchMessages: 1_000),
                retry: .init(maxAttempts: 3, initialBackoff: .milliseconds(100), maxBackoff: .seconds(2)),
                scaling: .init(
                    minReplicas: 1, maxReplicas: 1, scaleOutFactor: 1.0,
                    orderingCapsParallelism: true, scaleInStabilization: .seconds(600)),
                placement: .resource,
                duties: .guardsResources)
        }
    }
}
