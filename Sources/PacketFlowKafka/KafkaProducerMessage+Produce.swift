import CRdKafka

extension KafkaProducerMessage {
    /// Calls `body` with the `rd_kafka_produceva` arguments describing this record.
    ///
    /// The pointers are valid only inside `body`; `RD_KAFKA_MSG_F_COPY` makes librdkafka copy
    /// the value before `rd_kafka_produceva` returns. Headers go in one `rd_kafka_headers_t`
    /// that librdkafka owns once the call succeeds.
    func withProduceArguments<Result>(
        opaque: UnsafeMutableRawPointer?,
        _ body: (UnsafeBufferPointer<rd_kafka_vu_t>) -> Result
    ) -> Result {
        topic.withCString { topicName in
            key.withBytes { keyBytes, keyCount in
                value.withBytes { valueBytes, valueCount in
                    withUnsafeTemporaryAllocation(of: rd_kafka_vu_t.self, capacity: 8) { arguments in
                        var count = 0
                        func append(_ type: rd_kafka_vtype_t, _ fill: (inout rd_kafka_vu_t) -> Void) {
                            var argument = rd_kafka_vu_t()
                            argument.vtype = type
                            fill(&argument)
                            arguments.initializeElement(at: count, to: argument)
                            count += 1
                        }
                        append(RD_KAFKA_VTYPE_TOPIC) { $0.u.cstr = topicName }
                        append(RD_KAFKA_VTYPE_MSGFLAGS) { $0.u.i = RD_KAFKA_MSG_F_COPY }
                        append(RD_KAFKA_VTYPE_VALUE) {
                            $0.u.mem.ptr = UnsafeMutableRawPointer(mutating: valueBytes)
                            $0.u.mem.size = valueCount
                        }
                        if let keyBytes {
                            append(RD_KAFKA_VTYPE_KEY) {
                                $0.u.mem.ptr = UnsafeMutableRawPointer(mutating: keyBytes)
                                $0.u.mem.size = keyCount
                            }
                        }
                        if let partition {
                            append(RD_KAFKA_VTYPE_PARTITION) { $0.u.i32 = partition }
                        }
                        if let timestamp {
                            append(RD_KAFKA_VTYPE_TIMESTAMP) {
                                $0.u.i64 = Int64((timestamp.timeIntervalSince1970 * 1000).rounded())
                            }
                        }
                        if let opaque {
                            append(RD_KAFKA_VTYPE_OPAQUE) { $0.u.ptr = opaque }
                        }
                        let headerList = makeHeaders()
                        if let headerList {
                            append(RD_KAFKA_VTYPE_HEADERS) { $0.u.headers = headerList }
                        }
                        let result = body(UnsafeBufferPointer(start: arguments.baseAddress, count: count))
                        arguments.baseAddress!.deinitialize(count: count)
                        return result
                    }
                }
            }
        }
    }

    /// A new `rd_kafka_headers_t` holding copies of `headers`, or `nil` if there are none.
    private func makeHeaders() -> OpaquePointer? {
        guard !headers.isEmpty else { return nil }
        let list = rd_kafka_headers_new(headers.count)!
        headers.withUnsafeBufferPointer { headers in
            for header in headers {
                header.key.withCString { name in
                    header.value.withBytes { valueBytes, valueCount in
                        _ = rd_kafka_header_add(list, name, -1, valueBytes, valueCount)
                    }
                }
            }
        }
        return list
    }
}

extension Optional<[UInt8]> {
    /// Calls `body` with a pointer and count: `nil` for a null value, a valid pointer (even for
    /// an empty array) otherwise, as librdkafka tells null from empty by the pointer.
    func withBytes<Result>(_ body: (UnsafeRawPointer?, Int) -> Result) -> Result {
        guard let bytes = self else { return body(nil, 0) }
        if bytes.isEmpty {
            return withUnsafeTemporaryAllocation(byteCount: 1, alignment: 1) { body($0.baseAddress, 0) }
        }
        return bytes.withUnsafeBytes { body($0.baseAddress, $0.count) }
    }
}
