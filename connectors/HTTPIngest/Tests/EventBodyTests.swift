import PacketFlowHTTPIngest
import Testing

@Suite("Event body")
struct EventBodyTests {
    @Test("JSON lines: one event per non-blank line, CRLF accepted")
    func lines() throws {
        let body = try EventBody(Array("{\"a\":1}\r\n\n  \n[2]\n\"three\"".utf8), format: .lines)
        #expect(body.events.map { String(decoding: $0, as: UTF8.self) } == ["{\"a\":1}", "[2]", "\"three\""])
    }

    @Test(
        "the first bad line is reported with its line and column",
        arguments: [
            ("{\"a\":1}\n{\"b\":}\n", 2, 6),
            ("{\"a\":1}\n\n[1,2,,3]", 3, 6),
            ("nope", 1, 4),
        ])
    func invalidLine(text: String, line: Int, column: Int) {
        #expect {
            _ = try EventBody(Array(text.utf8), format: .lines)
        } throws: { error in
            guard let error = error as? IngestError else { return false }
            return error.code == .invalidJSON && error.line == line && error.column == column
        }
    }

    @Test("a JSON document may span lines, and its error names the document's line")
    func document() throws {
        let body = try EventBody(Array("{\n  \"a\": [1,\n 2]\n}\n".utf8), format: .document)
        #expect(body.events.count == 1)
        #expect {
            _ = try EventBody(Array("{\n  \"a\": [1,\n 2,]\n}".utf8), format: .document)
        } throws: { error in
            (error as? IngestError)?.line == 3
        }
    }

    @Test("an empty or blank body holds no event", arguments: ["", "\n \n", "\t"])
    func empty(text: String) {
        #expect {
            _ = try EventBody(Array(text.utf8), format: .lines)
        } throws: { error in
            (error as? IngestError)?.code == .emptyBody
        }
    }

    @Test(
        "Content-Type application/json is one document; everything else is JSON lines",
        arguments: [
            ("application/json", .document), ("application/json; charset=utf-8", .document),
            ("application/x-ndjson", .lines), ("text/plain", .lines), (nil, .lines),
        ] as [(String?, EventBody.Format)])
    func format(contentType: String?, format: EventBody.Format) {
        #expect(EventBody.Format(contentType: contentType) == format)
    }

    @Test("the in-flight limit takes all of a request or nothing")
    func inFlightLimit() {
        let limit = InFlightLimit(limit: 10)
        #expect(limit.tryAcquire(8))
        #expect(!limit.tryAcquire(3))
        #expect(limit.tryAcquire(2))
        limit.release(10)
        #expect(!limit.tryAcquire(11), "never more than the limit, even with nothing outstanding")
        #expect(limit.tryAcquire(10))
        #expect(!limit.tryAcquire(1))
    }
}
