import CRdKafka

/// The headers of one record being produced, added in order by the closure given to
/// `KafkaProducer.enqueue(topic:partition:key:value:timestampMilliseconds:group:headers:)`.
///
/// Each `append` copies the name and value into librdkafka's memory at once, so borrowed bytes
/// only need to live during the call. Valid only inside that closure (it cannot be copied out).
public struct KafkaRecordHeaders: ~Copyable {
    /// Created on the first `append`, so a record without headers allocates nothing.
    private var list: OpaquePointer?

    init() {}

    deinit {
        if let list { rd_kafka_headers_destroy(list) }
    }

    /// Adds a header whose value is `value`'s bytes; `nil` is a null value.
    public mutating func append(name: String, value: UnsafeRawBufferPointer?) {
        let nameCount = name.utf8.count
        name.withCString { name in
            // librdkafka tells a null value from an empty one by the pointer: an empty buffer
            // may have no address, so point at the name (zero bytes of it are read).
            add(name, nameCount, value.map { $0.baseAddress ?? UnsafeRawPointer(name) }, value?.count ?? 0)
        }
    }

    /// Adds a header whose name is given as bytes (not NUL-terminated), e.g. one read in place
    /// from a consumed record (`KafkaRecordView.forEachHeader`); `nil` is a null value.
    public mutating func append(nameBytes name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer?) {
        guard let base = name.baseAddress, !name.isEmpty else { return }
        let pointer = base.assumingMemoryBound(to: CChar.self)
        add(pointer, name.count, value.map { $0.baseAddress ?? base }, value?.count ?? 0)
    }

    /// Adds a header whose value is the UTF-8 bytes of `value`.
    public mutating func append(name: String, value: String) {
        var value = value
        value.withUTF8 { append(name: name, value: UnsafeRawBufferPointer($0)) }
    }

    /// Adds `header`.
    public mutating func append(_ header: KafkaHeader) {
        guard let bytes = header.value else { return append(name: header.key, value: nil) }
        bytes.withUnsafeBytes { append(name: header.key, value: $0) }
    }

    /// Adds every header of `headers`, in order.
    public mutating func append(contentsOf headers: KafkaHeaderList) {
        headers.forEachHeader { name, nameCount, value, count in add(name, nameCount, value, count) }
    }

    private mutating func add(_ name: UnsafePointer<CChar>, _ nameCount: Int, _ value: UnsafeRawPointer?, _ count: Int) {
        if list == nil { list = rd_kafka_headers_new(8) }
        _ = rd_kafka_header_add(list, name, nameCount, value, count)
    }

    /// Hands the list over (to `rd_kafka_produceva`); `nil` when no header was added.
    consuming func take() -> OpaquePointer? {
        let list = self.list
        discard self
        return list
    }
}
