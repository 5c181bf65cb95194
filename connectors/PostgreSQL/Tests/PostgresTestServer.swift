import Foundation
import PacketFlowPostgres
import PacketFlowTestSupport
import Subprocess

/// A throwaway PostgreSQL server on loopback: `initdb` in a temporary folder, `pg_ctl` on a free port.
///
/// Uses the server programs of Debian's `postgresql` package (`/usr/lib/postgresql/*/bin`).
/// PostgreSQL refuses to run as root, so under root the programs run as the `postgres` user.
/// Use ``withPostgresServer(_:)``, which stops and deletes the server whatever happens.
final class PostgresTestServer: Sendable {
    /// The folder holding the data directory, the socket and the log.
    let folder: URL
    /// The port it listens on, on 127.0.0.1.
    let port: Int

    /// Where the sink connects: the `packetflow` superuser, no password (trust), database `postgres`.
    var url: PostgresConnectionURL {
        get throws { try PostgresConnectionURL("postgres://packetflow@127.0.0.1:\(port)/postgres") }
    }

    private var dataDirectory: String { folder.appendingPathComponent("data").path }

    private init(folder: URL, port: Int) {
        self.folder = folder
        self.port = port
    }

    /// Creates the cluster and starts the server.
    static func start() async throws -> PostgresTestServer {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(uniqueName("pf-postgres"))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // Outside the ephemeral range: the stop/start tests need the same port back.
        let server = PostgresTestServer(folder: folder, port: try FreePort.pickOutsideEphemeralRange())
        if geteuid() == 0 {
            try FileManager.default.setAttributes([.ownerAccountName: "postgres"], ofItemAtPath: folder.path)
        }
        try await server.command(
            try binary("initdb"),
            ["-D", server.dataDirectory, "-U", "packetflow", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"])
        try await server.startAgain()
        return server
    }

    /// Starts the server (again, after ``stop()``) and waits until it accepts connections.
    func startAgain() async throws {
        let settings = "-p \(port) -k \(folder.path) -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        let log = folder.appendingPathComponent("server.log").path
        do {
            try await command(try Self.binary("pg_ctl"), ["-D", dataDirectory, "-o", settings, "-l", log, "-w", "-t", "60", "start"])
        } catch {
            let tail = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").suffix(5)
            throw Failure(description: "\(error); server.log ends: \(tail.joined(separator: " | "))")
        }
    }

    /// Stops the server at once, dropping its clients' connections, as a crash or failover does.
    func stop() async throws {
        try await command(try Self.binary("pg_ctl"), ["-D", dataDirectory, "-m", "immediate", "-w", "stop"])
    }

    /// Runs `sql` with psql; returns its rows as lines of `|`-separated fields.
    @discardableResult
    func query(_ sql: String) async throws -> [String] {
        let output = try await command(
            "/usr/bin/psql",
            ["-h", "127.0.0.1", "-p", String(port), "-U", "packetflow", "-d", "postgres", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql],
            asServerUser: false)
        return output.split(separator: "\n").map(String.init)
    }

    /// The value of a one-row, one-column query, as an integer.
    func count(_ sql: String) async throws -> Int {
        let lines = try await query(sql)
        guard lines.count == 1, let value = Int(lines[0]) else { throw Failure(description: "\(sql) gave \(lines)") }
        return value
    }

    /// Stops the server if it runs and deletes its folder.
    func remove() async {
        _ = try? await command(try Self.binary("pg_ctl"), ["-D", dataDirectory, "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(at: folder)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    @discardableResult
    private func command(_ program: String, _ arguments: [String], asServerUser: Bool = true) async throws -> String {
        let (executable, allArguments) =
            asServerUser && geteuid() == 0
            ? ("/usr/sbin/runuser", ["-u", "postgres", "--", program] + arguments)
            : (program, arguments)
        let result = try await Subprocess.run(
            .path(.init(executable)), arguments: Arguments(allArguments),
            output: .string(limit: 16 << 20), error: .string(limit: 1 << 20))
        guard case .exited(0) = result.terminationStatus else {
            throw Failure(
                description: "\(program) \(arguments.joined(separator: " ")) failed: \(result.standardError)\(result.standardOutput)")
        }
        return result.standardOutput
    }

    /// The newest installed server program called `name`.
    private static func binary(_ name: String) throws -> String {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
            let path = "\(root)/\(version)/bin/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw Failure(description: "PostgreSQL's \(name) not found under \(root): apt-get install postgresql")
    }
}

/// Runs `body` with a fresh server, removed afterwards whether `body` succeeds or throws.
func withPostgresServer<Result>(_ body: (PostgresTestServer) async throws -> Result) async throws -> Result {
    let server = try await PostgresTestServer.start()
    do {
        let result = try await body(server)
        await server.remove()
        return result
    } catch {
        await server.remove()
        throw error
    }
}
