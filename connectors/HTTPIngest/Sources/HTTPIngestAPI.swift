import Foundation
import Hummingbird

/// The ingest HTTP API (Hummingbird 2).
///
/// - `POST /topics/{topic}`: publishes the body's events to `topic`. `Content-Type:
///   application/json` makes the body one event; anything else is JSON lines (blank lines
///   skipped). Answers:
///   - 202 `{"topic":T,"accepted":N}` once the broker acknowledged all N events;
///   - 400 `{"error":...,"line":L,"column":C}` for the first line that is not JSON (nothing is
///     published), or for an empty body or an illegal topic name;
///   - 401 with `WWW-Authenticate: Bearer` when a token is configured and the request lacks it;
///   - 403 for one of PacketFlow's own topics (`pf.*` but a molecule's `pf.NAME.input`, `__*`),
///     unless internal topics are allowed;
///   - 413 when the body is larger than the limit;
///   - 429 with `Retry-After` when too many events already wait for the broker;
///   - 503 with `Retry-After` when the producer's queue is full or the broker did not
///     acknowledge (the body says how many events were; a retry publishes those again, with
///     the same packet ids when the request carries an `Idempotency-Key`).
///
///   With `Idempotency-Key: K` (1 to 200 printable ASCII characters, else 400), the packet ids
///   are `ingest:TOPIC:K:INDEX` instead of fresh ones, so a retried request's events keep
///   their ids end to end and an idempotent sink (the PostgreSQL connector) writes them once.
/// - `GET /healthz`: 200 while the process serves (no token needed).
public struct HTTPIngestAPI: Sendable {
    /// Where events go.
    public let publisher: IngestPublisher
    /// The settings (token, body limit, Retry-After).
    public let configuration: IngestConfiguration

    /// An API publishing through `publisher`.
    public init(publisher: IngestPublisher, configuration: IngestConfiguration) {
        self.publisher = publisher
        self.configuration = configuration
    }

    /// The routes.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        let api = self
        router.get("/healthz") { _, _ in Self.json(.ok, #"{"status":"ok"}"#) }
        router.post("/topics/:topic") { request, context in
            await api.ingest(request, topic: try context.parameters.require("topic"))
        }
        return router
    }

    private func ingest(_ request: Request, topic: String) async -> Response {
        guard authorized(request) else {
            var response = Self.error(.unauthorized, "missing or wrong Authorization: Bearer <token>")
            response.headers[.wwwAuthenticate] = "Bearer"
            return response
        }
        let limit = configuration.maxBodyBytes
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            return Self.tooLarge(limit)
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limit)
        } catch {
            return Self.tooLarge(limit)
        }
        do throws(IngestError) {
            let events = try EventBody(Array(buffer: body), format: .init(contentType: request.headers[.contentType]))
            let key = try Self.idempotencyKey(request)
            let accepted = try await publisher.publish(events.events, to: topic, idempotencyKey: key)
            return Self.json(.accepted, #"{"topic":\#(Self.quoted(topic)),"accepted":\#(accepted)}"#)
        } catch {
            return answer(error)
        }
    }

    private func answer(_ error: IngestError) -> Response {
        switch error.code {
        case .invalidJSON:
            let location = error.line.map { #","line":\#($0),"column":\#(error.column ?? 1)"# } ?? ""
            return Self.json(.badRequest, #"{"error":\#(Self.quoted(error.description))\#(location)}"#)
        case .emptyBody, .invalidTopic, .invalidIdempotencyKey, .invalidEventID, .invalidConfiguration:
            return Self.error(.badRequest, error.message)
        case .internalTopic:
            return Self.error(.forbidden, error.message)
        case .tooLarge:
            return Self.error(.contentTooLarge, error.message)
        case .tooManyInFlight:
            return retryLater(.tooManyRequests, error.message)
        case .brokerUnavailable:
            return retryLater(.serviceUnavailable, error.message)
        }
    }

    /// The request's `Idempotency-Key`, checked: 1 to 200 printable ASCII characters.
    private static func idempotencyKey(_ request: Request) throws(IngestError) -> String? {
        guard let key = request.headers[.idempotencyKey] else { return nil }
        guard (1...200).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw IngestError(.invalidIdempotencyKey, "Idempotency-Key must be 1 to 200 printable ASCII characters without spaces")
        }
        return key
    }

    private func authorized(_ request: Request) -> Bool {
        guard let token = configuration.token, !token.isEmpty else { return true }
        guard let header = request.headers[.authorization] else { return false }
        return Self.constantTimeEqual(Array(header.utf8), Array("Bearer \(token)".utf8))
    }

    private func retryLater(_ status: HTTPResponse.Status, _ message: String) -> Response {
        var response = Self.error(status, message)
        let seconds = configuration.retryAfter.components.seconds + (configuration.retryAfter.components.attoseconds > 0 ? 1 : 0)
        response.headers[.retryAfter] = String(max(seconds, 1))
        return response
    }

    /// Compares without stopping at the first difference, so timing does not reveal the token.
    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    private static func tooLarge(_ limit: Int) -> Response {
        error(.contentTooLarge, "the body is larger than \(limit) bytes; send fewer events per request")
    }

    private static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        json(status, #"{"error":\#(quoted(message))}"#)
    }

    private static func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text + "\n")))
    }

    private static func quoted(_ text: String) -> String {
        (try? JSONEncoder().encode(text)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
    }
}

extension HTTPFields.Element.Name {
    /// `Idempotency-Key`: the client's name for a request, the same on each of its retries.
    public static let idempotencyKey = Self("Idempotency-Key")!
}
