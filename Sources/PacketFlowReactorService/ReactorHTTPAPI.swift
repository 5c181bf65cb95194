import Foundation
import Hummingbird
import PacketFlowReactor

/// The reactor's HTTP API (Hummingbird 2).
///
/// - `GET /v1/molecules`: the deployed molecules (``MoleculeSummary`` list).
/// - `GET /v1/molecules/{name}`: a molecule's ``MoleculeStatus``.
/// - `POST /v1/molecules[?name=FILE.pf&molecule=NAME]`: deploy; the body is the molecule
///   source, or with `Content-Type: application/json` a ``MoleculeBundle`` (the root file
///   and its imports; `name` is then ignored). 201 with the summary; 400 with the rendered
///   diagnostics (text) when it does not check, and nothing is deployed.
/// - `DELETE /v1/molecules/{name}`: undeploy; 204.
/// - `GET /v1/molecules/{m}/stages/{s}/desired-replicas`: `DesiredReplicasResponse` for KEDA.
/// - `PUT /v1/molecules/{m}/stages/{s}/replicas` with `{"replicas": N}` (or `"auto"`): pin the
///   stage at N workers (or hand it back to the autoscaler); 200 with its ``StageStatus``.
/// - `POST /v1/molecules/{m}/stages/{s}/pause` with `{"reason": "..."}`, and
///   `POST .../resume`: pause or resume the stage; 200 with its ``StageStatus``.
/// - `GET /metrics`: Prometheus text. `GET /healthz`: 200 while the process serves.
///   `GET /readyz`: 200 once the registry is loaded, else 503.
///
/// Deploy, undeploy, scale, pause and resume need `Authorization: Bearer TOKEN` (401 without
/// it, or with another); with no token configured they are refused with 401 too, so an
/// unconfigured reactor is never open. They are the only way the command line changes the
/// system: it no longer writes the control topic, which the reactor and MC stages write (on a
/// real cluster, give only them write access with ACLs).
/// Errors are JSON `{"error":"..."}` except deploy's diagnostics.
public struct ReactorHTTPAPI: Sendable {
    /// The reactor served.
    public let reactor: ReactorService
    /// The bearer token the changing routes require, or nil to refuse them.
    public let token: String?

    /// An API over `reactor`.
    public init(reactor: ReactorService, token: String?) {
        self.reactor = reactor
        self.token = token
    }

    /// The routes.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        let reactor = reactor
        let token = token
        router.get("/healthz") { _, _ in Self.text(.ok, "ok\n") }
        router.get("/readyz") { _, _ in
            await reactor.isReady ? Self.text(.ok, "ready\n") : Self.text(.serviceUnavailable, "loading the registry\n")
        }
        router.get("/metrics") { _, _ in
            Self.text(.ok, reactor.reactorMetrics.render(), contentType: "text/plain; version=0.0.4")
        }
        router.get("/v1/molecules") { _, _ in try Self.json(.ok, await reactor.list()) }
        router.get("/v1/molecules/:name") { _, context in
            try await Self.answer { try Self.json(.ok, try await reactor.status(try context.parameters.require("name"))) }
        }
        router.get("/v1/molecules/:name/stages/:stage/desired-replicas") { _, context in
            try await Self.answer {
                let response = try await reactor.desiredReplicas(
                    molecule: try context.parameters.require("name"), stage: try context.parameters.require("stage"))
                return try Self.json(.ok, response)
            }
        }
        router.post("/v1/molecules") { request, _ in
            guard Self.authorized(request, token: token) else { return Self.unauthorized() }
            let body = try await request.body.collect(upTo: 4 << 20)
            let molecule = request.uri.queryParameters.get("molecule")
            let bundle: MoleculeBundle
            if request.headers[.contentType]?.hasPrefix("application/json") == true {
                guard let decoded = try? JSONDecoder().decode(MoleculeBundle.self, from: Data(String(buffer: body).utf8)) else {
                    return Self.error(.badRequest, "the body is not a molecule bundle: {\"root\": PATH, \"files\": {PATH: TEXT}}")
                }
                bundle = decoded
            } else {
                let name = request.uri.queryParameters.get("name") ?? "molecule.pf"
                bundle = MoleculeBundle(root: name, files: [name: String(buffer: body)])
            }
            return try await Self.answer {
                try Self.json(.created, try await reactor.deploy(bundle: bundle, molecule: molecule))
            }
        }
        router.delete("/v1/molecules/:name") { request, context in
            guard Self.authorized(request, token: token) else { return Self.unauthorized() }
            return try await Self.answer {
                try await reactor.undeploy(try context.parameters.require("name"))
                return Response(status: .noContent)
            }
        }
        router.put("/v1/molecules/:name/stages/:stage/replicas") { request, context in
            guard Self.authorized(request, token: token) else { return Self.unauthorized() }
            let body = try await request.body.collect(upTo: 64 << 10)
            guard let request = try? JSONDecoder().decode(ReplicasRequest.self, from: Data(buffer: body)) else {
                return Self.error(.badRequest, #"the body must be {"replicas": N} with N >= 0, or {"replicas": "auto"}"#)
            }
            return try await Self.answer {
                let status = try await reactor.scale(
                    molecule: try context.parameters.require("name"), stage: try context.parameters.require("stage"),
                    replicas: request.replicas)
                return try Self.json(.ok, status)
            }
        }
        router.post("/v1/molecules/:name/stages/:stage/pause") { request, context in
            guard Self.authorized(request, token: token) else { return Self.unauthorized() }
            let body = try await request.body.collect(upTo: 64 << 10)
            let fields = (try? JSONSerialization.jsonObject(with: Data(String(buffer: body).utf8))) as? [String: Any]
            let reason = fields?["reason"] as? String ?? "paused through the reactor's API"
            return try await Self.answer {
                let (molecule, stage) = (try context.parameters.require("name"), try context.parameters.require("stage"))
                try await reactor.pause(molecule: molecule, stage: stage, reason: reason)
                return try Self.json(.ok, try await reactor.status(molecule: molecule, stage: stage))
            }
        }
        router.post("/v1/molecules/:name/stages/:stage/resume") { request, context in
            guard Self.authorized(request, token: token) else { return Self.unauthorized() }
            return try await Self.answer {
                let (molecule, stage) = (try context.parameters.require("name"), try context.parameters.require("stage"))
                try await reactor.resume(molecule: molecule, stage: stage)
                return try Self.json(.ok, try await reactor.status(molecule: molecule, stage: stage))
            }
        }
        return router
    }

    /// Whether `a` equals `b`, in a time that depends on their lengths only, so that timing the
    /// answers does not reveal how much of a guessed token was right.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0 && a.count == b.count
    }

    private static func authorized(_ request: Request, token: String?) -> Bool {
        guard let token, !token.isEmpty, let header = request.headers[.authorization] else { return false }
        return Self.constantTimeEqual(Array(header.utf8), Array("Bearer \(token)".utf8))
    }

    private static func unauthorized() -> Response {
        var response = error(
            .unauthorized,
            "deploy, undeploy, scale, pause and resume need Authorization: Bearer <token> (--token, --token-file or PACKETFLOW_REACTOR_TOKEN)")
        response.headers[.wwwAuthenticate] = "Bearer"
        return response
    }

    /// Runs `body`, turning a ``ReactorError`` into its HTTP answer.
    private static func answer(_ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let failure as ReactorError {
            switch failure.code {
            case .invalidMolecule:
                return text(.badRequest, failure.description + (failure.description.hasSuffix("\n") ? "" : "\n"))
            case .unknownMolecule, .unknownStage: return error(.notFound, failure.message)
            case .unauthorized: return error(.unauthorized, failure.message)
            default: return error(.internalServerError, failure.message)
            }
        }
    }

    private static func json(_ status: HTTPResponse.Status, _ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var text = String(decoding: try encoder.encode(value), as: UTF8.self)
        text += "\n"
        return self.text(status, text, contentType: "application/json")
    }

    private static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        let quoted = (try? JSONEncoder().encode(message)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
        return text(status, "{\"error\":\(quoted)}\n", contentType: "application/json")
    }

    private static func text(_ status: HTTPResponse.Status, _ body: String, contentType: String = "text/plain; charset=utf-8")
        -> Response
    {
        Response(
            status: status, headers: [.contentType: contentType], body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}

/// The body of `PUT .../replicas`: `{"replicas": N}` with a whole N >= 0, or
/// `{"replicas": "auto"}` (``replicas`` nil). Anything else (a boolean, a fraction, a
/// negative number) does not decode.
struct ReplicasRequest: Decodable {
    var replicas: Int?

    private enum CodingKeys: String, CodingKey { case replicas }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let word = try? container.decode(String.self, forKey: .replicas) {
            guard word == "auto" else {
                throw DecodingError.dataCorruptedError(forKey: .replicas, in: container, debugDescription: "not \"auto\"")
            }
            replicas = nil
        } else {
            let count = try container.decode(Int.self, forKey: .replicas)
            guard count >= 0 else {
                throw DecodingError.dataCorruptedError(forKey: .replicas, in: container, debugDescription: "below 0")
            }
            replicas = count
        }
    }
}
