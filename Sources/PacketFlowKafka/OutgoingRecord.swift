import CRdKafka

/// One record to hand to `rd_kafka_produceva`, as borrowed bytes: both producer entry points
/// (`KafkaProducerMessage` and raw buffers) end here.
///
/// The pointers need to stay valid only during `produce`: `RD_KAFKA_MSG_F_COPY` makes librdkafka
/// copy key and value before it returns, and `KafkaRecordHeaders` copies headers as they are added.
struct OutgoingRecord {
    var partition: Int32?
    /// `nil` is a null key.
    var key: UnsafeRawBufferPointer?
    /// `nil` is a null value.
    var value: UnsafeRawBufferPointer?
    var timestampMilliseconds: Int64?
    /// A retained `DeliveryPromise` for `send`, a retained `KafkaDeliveryGroup` or `nil` for
    /// `enqueue`.
    var opaque: UnsafeMutableRawPointer? = nil

    /// Produces the record with the headers `fillHeaders` adds, to `topic` by its handle when
    /// there is one, else by name; returns the error instead of throwing, for the hot path.
    func produce(
        on client: RdKafkaClient,
        to topic: borrowing KafkaProducer.Topic,
        headers fillHeaders: (inout KafkaRecordHeaders) -> Void
    ) -> KafkaError? {
        var headers = KafkaRecordHeaders()
        fillHeaders(&headers)
        let headerList = headers.take()
        guard let handle = topic.handle else {
            return topic.name.withCString { produce(on: client, to: .name($0), headers: headerList, naming: topic.name) }
        }
        return produce(on: client, to: .handle(handle), headers: headerList, naming: topic.name)
    }

    /// How librdkafka is told the topic.
    private enum Destination {
        /// A topic handle (`RD_KAFKA_VTYPE_RKT`), as bulk producers use.
        case handle(OpaquePointer)
        /// The topic's name (`RD_KAFKA_VTYPE_TOPIC`), when librdkafka gave no handle for it.
        case name(UnsafePointer<CChar>)
    }

    /// Hands the record to `rd_kafka_produceva`; `topic` names the topic in errors.
    private func produce(
        on client: RdKafkaClient, to destination: Destination, headers headerList: OpaquePointer?, naming topic: String
    ) -> KafkaError? {
        // Room for every argument below, on the stack; only the slots used are initialised.
        withUnsafeTemporaryAllocation(of: rd_kafka_vu_t.self, capacity: 8) { arguments in
            var count = 0
            func append(_ type: rd_kafka_vtype_t, _ fill: (inout rd_kafka_vu_t) -> Void) {
                var argument = rd_kafka_vu_t()
                argument.vtype = type
                fill(&argument)
                arguments.initializeElement(at: count, to: argument)
                count += 1
            }
            // librdkafka tells null from empty by the pointer, and an empty buffer may have no
            // address: point at the arguments then (zero bytes of them are read).
            func memory(_ bytes: UnsafeRawBufferPointer) -> UnsafeMutableRawPointer {
                bytes.baseAddress.map { UnsafeMutableRawPointer(mutating: $0) } ?? UnsafeMutableRawPointer(arguments.baseAddress!)
            }
            switch destination {
            case .handle(let handle): append(RD_KAFKA_VTYPE_RKT) { $0.u.rkt = handle }
            case .name(let name): append(RD_KAFKA_VTYPE_TOPIC) { $0.u.cstr = name }
            }
            append(RD_KAFKA_VTYPE_MSGFLAGS) { $0.u.i = RD_KAFKA_MSG_F_COPY }
            append(RD_KAFKA_VTYPE_VALUE) {
                $0.u.mem.ptr = value.map(memory)
                $0.u.mem.size = value?.count ?? 0
            }
            if let key {
                append(RD_KAFKA_VTYPE_KEY) {
                    $0.u.mem.ptr = memory(key)
                    $0.u.mem.size = key.count
                }
            }
            if let partition {
                append(RD_KAFKA_VTYPE_PARTITION) { $0.u.i32 = partition }
            }
            if let timestampMilliseconds {
                append(RD_KAFKA_VTYPE_TIMESTAMP) { $0.u.i64 = timestampMilliseconds }
            }
            if let opaque {
                append(RD_KAFKA_VTYPE_OPAQUE) { $0.u.ptr = opaque }
            }
            if let headerList {
                append(RD_KAFKA_VTYPE_HEADERS) { $0.u.headers = headerList }
            }
            let error = rd_kafka_produceva(client.pointer, arguments.baseAddress, count)
            guard let error else { return nil }
            // A refused record leaves its header list with the caller (rdkafka.h, RD_KAFKA_V_HEADERS).
            if let headerList { rd_kafka_headers_destroy(headerList) }
            return KafkaError(consuming: error, "cannot produce to \(topic)")
        }
    }
}

extension KafkaProducerMessage {
    /// Calls `body` with this message as an `OutgoingRecord` carrying `opaque`.
    func withOutgoingRecord<Result>(opaque: UnsafeMutableRawPointer?, _ body: (OutgoingRecord) -> Result) -> Result {
        key.withOptionalBytes { key in
            value.withOptionalBytes { value in
                body(OutgoingRecord(
                    partition: partition, key: key, value: value,
                    timestampMilliseconds: timestamp.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) },
                    opaque: opaque))
            }
        }
    }
}

extension Optional<[UInt8]> {
    /// Calls `body` with the bytes in place, or `nil` for a null value.
    func withOptionalBytes<Result>(_ body: (UnsafeRawBufferPointer?) -> Result) -> Result {
        guard let bytes = self else { return body(nil) }
        return bytes.withUnsafeBytes { body($0) }
    }
}
