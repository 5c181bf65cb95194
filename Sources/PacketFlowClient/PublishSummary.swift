import PacketFlowKafka

/// What a publish run did.
public struct PublishSummary: Sendable {
    /// Events handed to the producer.
    public var sent: Int
    /// Events the broker acknowledged.
    public var delivered: Int
    /// Events the broker did not take, after the producer's retries.
    public var failed: Int
    /// Input lines skipped as invalid (with `skipInvalid`).
    public var invalid: Int
    /// Time from the first read to the last acknowledgement.
    public var elapsed: Duration
    /// The first delivery failures, for the report.
    public var firstFailures: [KafkaError]

    /// ``elapsed`` in seconds.
    public var elapsedSeconds: Double { elapsed.seconds }

    /// Acknowledged events per second.
    public var eventsPerSecond: Double { elapsedSeconds > 0 ? Double(delivered) / elapsedSeconds : 0 }
}

/// Where a publish run is, reported about once a second on long runs.
public struct PublishProgress: Sendable {
    /// Events handed to the producer so far.
    public var sent: Int
    /// Time since the run started.
    public var elapsed: Duration

    /// Average events per second so far.
    public var eventsPerSecond: Double { elapsed.seconds > 0 ? Double(sent) / elapsed.seconds : 0 }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
