import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The reactor's HTTP API from the command line: deploy, undeploy, list, status, scale,
/// pause and resume.
///
/// Uses the shared `HTTPClient` singleton; each call is bounded by ``timeout``.
public struct ReactorClient: Sendable {
    /// The reactor's base URL, e.g. `http://127.0.0.1:8080`.
    public var baseURL: String
    /// The bearer token for deploy, undeploy, scale, pause and resume.
    public var token: String?
    /// Bound of each request. Default: 30 s.
    public var timeout: Duration

    /// A client of the reactor at `baseURL`.
    public init(baseURL: String, token: String? = nil, timeout: Duration = .seconds(30)) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.timeout = timeout
    }

    /// Deploys `source`; throws ``ReactorError`` (`invalidMolecule` with the reactor's
    /// rendered diagnostics, `unauthorized`, `requestFailed`).
    public func deploy(source: String, sourceName: String, molecule: String? = nil) async throws -> MoleculeSummary {
        var query = "name=\(Self.escaped(sourceName))"
        if let molecule { query += "&molecule=\(Self.escaped(molecule))" }
        let body = try await send(.POST, "/v1/molecules?\(query)", body: source, authorized: true)
        return try JSONDecoder().decode(MoleculeSummary.self, from: Data(body.utf8))
    }

    /// Deploys a molecule file with its imports; errors as ``deploy(source:sourceName:molecule:)``.
    public func deploy(bundle: MoleculeBundle, molecule: String? = nil) async throws -> MoleculeSummary {
        let query = molecule.map { "?molecule=\(Self.escaped($0))" } ?? ""
        let json = String(decoding: try JSONEncoder().encode(bundle), as: UTF8.self)
        let body = try await send(
            .POST, "/v1/molecules\(query)", body: json, contentType: "application/json", authorized: true)
        return try JSONDecoder().decode(MoleculeSummary.self, from: Data(body.utf8))
    }

    /// Undeploys `name`.
    public func undeploy(_ name: String) async throws {
        _ = try await send(.DELETE, "/v1/molecules/\(Self.escaped(name))", authorized: true)
    }

    /// The deployed molecules.
    public func list() async throws -> [MoleculeSummary] {
        try JSONDecoder().decode([MoleculeSummary].self, from: Data(try await send(.GET, "/v1/molecules").utf8))
    }

    /// A molecule's status.
    public func status(_ name: String) async throws -> MoleculeStatus {
        try JSONDecoder().decode(
            MoleculeStatus.self, from: Data(try await send(.GET, "/v1/molecules/\(Self.escaped(name))").utf8))
    }

    /// Pins `stage` at `replicas` workers, or with nil hands it back to the autoscaler; returns
    /// the stage's status once the reactor has obeyed.
    public func scale(molecule: String, stage: String, replicas: Int?) async throws -> StageStatus {
        let body = #"{"replicas":\#(replicas.map(String.init) ?? "\"auto\"")}"#
        return try await stageCommand(.PUT, molecule: molecule, stage: stage, action: "replicas", body: body)
    }

    /// Pauses `stage` (its workers fetch nothing until resumed), with `reason` shown in status.
    public func pause(molecule: String, stage: String, reason: String) async throws -> StageStatus {
        let body = String(decoding: try JSONEncoder().encode(["reason": reason]), as: UTF8.self)
        return try await stageCommand(.POST, molecule: molecule, stage: stage, action: "pause", body: body)
    }

    /// Resumes a paused `stage`.
    public func resume(molecule: String, stage: String) async throws -> StageStatus {
        try await stageCommand(.POST, molecule: molecule, stage: stage, action: "resume", body: "{}")
    }

    private func stageCommand(
        _ method: HTTPMethod, molecule: String, stage: String, action: String, body: String
    ) async throws -> StageStatus {
        let path = "/v1/molecules/\(Self.escaped(molecule))/stages/\(Self.escaped(stage))/\(action)"
        let answer = try await send(method, path, body: body, contentType: "application/json", authorized: true)
        return try JSONDecoder().decode(StageStatus.self, from: Data(answer.utf8))
    }

    private func send(
        _ method: HTTPMethod, _ path: String, body: String? = nil, contentType: String? = nil, authorized: Bool = false
    ) async throws -> String {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if authorized, let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response: HTTPClientResponse
        let text: String
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .milliseconds(timeout.inMilliseconds))
            text = String(buffer: try await response.body.collect(upTo: 16 << 20))
        } catch {
            throw ReactorError(.requestFailed, "cannot reach the reactor at \(baseURL): \(error)")
        }
        switch response.status.code {
        case 200..<300:
            return text
        case 400 where response.headers.first(name: "Content-Type")?.hasPrefix("text/plain") == true:
            // Only deploy answers 400 with text: the molecule's rendered diagnostics.
            throw ReactorError(.invalidMolecule, "the reactor refused the molecule", diagnostics: text)
        case 401:
            throw ReactorError(
                .unauthorized, "the reactor wants a bearer token: pass --token or --token-file, or set PACKETFLOW_REACTOR_TOKEN")
        default:
            let message = (try? JSONDecoder().decode([String: String].self, from: Data(text.utf8)))?["error"] ?? text
            throw ReactorError(.requestFailed, "reactor answered \(response.status.code): \(message)")
        }
    }

    private static func escaped(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/", "&", "=", "?"])) ?? text
    }
}

extension Duration {
    fileprivate var inMilliseconds: Int64 {
        components.seconds * 1_000 + components.attoseconds / 1_000_000_000_000_000
    }
}
