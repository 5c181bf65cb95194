import CRdKafka
import Foundation

/// A consumed record read in place from librdkafka's memory, without copying.
///
/// Valid only inside the closure that receives it (`KafkaConsumer.Batch.forEachRecord`): the
/// buffers point into memory the batch frees, so never let them or the view escape. Use
/// `message` for a copy that lives on. This is the zero-copy path for decoders that parse the
/// bytes directly; `KafkaMessage` copies key, value and each header into Swift arrays.
public struct KafkaRecordView {
    private let raw: UnsafePointer<rd_kafka_message_t>
    private let headerList: OpaquePointer?

    /// The topic the record was read from.
    public let topic: String

    init(_ raw: UnsafePointer<rd_kafka_message_t>, topic: String) {
        self.raw = raw
        self.topic = topic
        var list: OpaquePointer?
        self.headerList = rd_kafka_message_headers(raw, &list) == RD_KAFKA_RESP_ERR_NO_ERROR ? list : nil
    }

    /// The partition the record was read from.
    public var partition: Int32 { raw.pointee.partition }
    /// The record's offset in its partition.
    public var offset: Int64 { raw.pointee.offset }
    /// The key's bytes in place; `nil` for a null key.
    public var key: UnsafeRawBufferPointer? { raw.pointee.key.map { UnsafeRawBufferPointer(start: $0, count: raw.pointee.key_len) } }
    /// The value's bytes in place; `nil` for a null value.
    public var value: UnsafeRawBufferPointer? {
        raw.pointee.payload.map { UnsafeRawBufferPointer(start: $0, count: raw.pointee.len) }
    }
    /// The record's timestamp in milliseconds since the Unix epoch; `nil` if it has none.
    public var timestampMilliseconds: Int64? {
        var type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let milliseconds = rd_kafka_message_timestamp(raw, &type)
        return type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : milliseconds
    }
    /// How many headers the record has.
    public var headerCount: Int { headerList.map(rd_kafka_header_cnt) ?? 0 }

    /// The header at `index` (0 ..< `headerCount`): its name, and its value's bytes in place
    /// (`nil` for a null value).
    public func header(at index: Int) -> (key: String, value: UnsafeRawBufferPointer?) {
        var name: UnsafePointer<CChar>?
        var bytes: UnsafeRawPointer?
        var size = 0
        guard let headerList, rd_kafka_header_get_all(headerList, index, &name, &bytes, &size) == RD_KAFKA_RESP_ERR_NO_ERROR else {
            preconditionFailure("header index \(index) out of range 0..<\(headerCount)")
        }
        return (name.map { String(cString: $0) } ?? "", bytes.map { UnsafeRawBufferPointer(start: $0, count: size) })
    }

    /// Calls `body` with each header's name and value bytes in place (`nil` for a null value),
    /// in order: no string is made, for readers that look at every header of every record.
    public func forEachHeader(_ body: (_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer?) throws -> Void) rethrows {
        guard let headerList else { return }
        var name: UnsafePointer<CChar>?
        var bytes: UnsafeRawPointer?
        var size = 0
        var index = 0
        while rd_kafka_header_get_all(headerList, index, &name, &bytes, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
            let nameBytes = name.map { UnsafeRawBufferPointer(start: $0, count: strlen($0)) } ?? UnsafeRawBufferPointer(start: nil, count: 0)
            try body(nameBytes, bytes.map { UnsafeRawBufferPointer(start: $0, count: size) })
            index += 1
        }
    }

    /// A copy of the record that outlives the view.
    public var message: KafkaMessage {
        ConsumedMessageDecoder.decode(raw, topic: topic)
    }
}
