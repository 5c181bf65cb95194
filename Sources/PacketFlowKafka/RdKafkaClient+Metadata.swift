import CRdKafka

extension RdKafkaClient {
    /// Asks the cluster for its broker list, which needs one live connection; blocks up to `timeout`.
    ///
    /// Names no topic, so it creates none on the embedded cluster. On failure the error carries
    /// `lastError()`, the latest error librdkafka reported for this client, e.g.
    /// `broker 127.0.0.1:9 unreachable: connection refused`.
    func probeBrokers(timeout: Duration, bootstrapServers: String, lastError: () -> String?) throws(KafkaError) {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let result = rd_kafka_metadata(pointer, 0, nil, &metadata, timeout.timeoutMilliseconds)
        if let metadata {
            rd_kafka_metadata_destroy(metadata)
        }
        guard result != RD_KAFKA_RESP_ERR_NO_ERROR else { return }
        let cause = lastError().map { text in BrokerFailure(librdkafkaText: text)?.summary ?? text }
        throw KafkaError(
            code: KafkaError.Code(result),
            message: cause.map { "\($0) (no broker of \(bootstrapServers) answered within \(timeout))" }
                ?? "no broker of \(bootstrapServers) answered within \(timeout); check the address and that the cluster runs"
        )
    }

    /// Every topic the cluster knows, with its partition ids, from one Metadata request.
    ///
    /// Asks for all topics, which on the embedded cluster creates none.
    func allTopics(timeout: Duration) throws(KafkaError) -> [(name: String, partitions: [Int32])] {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let result = rd_kafka_metadata(pointer, 1, nil, &metadata, timeout.timeoutMilliseconds)
        try KafkaError.check(result, "cannot read the cluster's topic list")
        guard let metadata else { return [] }
        defer { rd_kafka_metadata_destroy(metadata) }
        let topics = UnsafeBufferPointer(start: metadata.pointee.topics, count: Int(metadata.pointee.topic_cnt))
        return topics.compactMap { topic in
            guard topic.err == RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
            let partitions = UnsafeBufferPointer(start: topic.partitions, count: Int(topic.partition_cnt))
            return (String(cString: topic.topic), partitions.map(\.id).sorted())
        }
    }
}
