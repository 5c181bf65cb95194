import Foundation
import Hummingbird
import HummingbirdTesting
import PacketFlowLanguage
import PacketFlowReactorService
import PacketFlowTestSupport
import Testing

@Suite("Deploying a molecule that imports other files")
struct MoleculeBundleTests {
    @Test(
        "files are laid out relative to their deepest common folder",
        arguments: [
            (["app/main.pf", "app/packets.pf"], "main.pf", ["main.pf", "packets.pf"]),
            (["app/main.pf", "shared/packets.pf"], "app/main.pf", ["app/main.pf", "shared/packets.pf"]),
            (["/srv/x/app/./main.pf", "/srv/x/app/../lib/p.pf"], "app/main.pf", ["app/main.pf", "lib/p.pf"]),
        ])
    func layout(paths: [String], root: String, files: [String]) {
        let sources = paths.map { SourceFile(name: $0, text: "// \($0)") }
        let bundle = MoleculeBundle(sources: sources, workingDirectory: "/home/user/project")
        #expect(bundle.root == root)
        #expect(bundle.files.keys.sorted() == files)
        #expect(bundle.escapingPath == nil)
    }

    @Test("a bundle whose paths would leave the molecule's folder is refused", arguments: ["../x.pf", "/etc/x.pf", "a//b.pf"])
    func escapingPathRefused(path: String) async throws {
        let fake = FakeReactor()
        try await fake.reactor.loadRegistry()
        let bundle = MoleculeBundle(root: "main.pf", files: ["main.pf": Molecules.relay, path: "// x"])
        let error = await #expect(throws: ReactorError.self) { try await fake.reactor.deploy(bundle: bundle) }
        #expect(error?.code == .invalidMolecule)
        #expect(await fake.reactor.list().isEmpty)
    }

    @Test("an import missing from the bundle is a diagnostic, and nothing is deployed")
    func missingImport() async throws {
        let fake = FakeReactor()
        try await fake.reactor.loadRegistry()
        let error = await #expect(throws: ReactorError.self) {
            try await fake.reactor.deploy(bundle: MoleculeBundle(root: "app/main.pf", files: ["app/main.pf": Self.root]))
        }
        #expect(error?.diagnostics.contains("cannot import \"../shared/packets.pf\"") == true)
        #expect(await fake.reactor.list().isEmpty)
    }

    @Test("packetflow deploy sends the imports and the registry keeps them")
    func commandLineDeploysImports() async throws {
        let folder = FileManagerTemporary.folder("imports")
        try FileManager.default.createDirectory(atPath: folder + "/app", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder + "/shared", withIntermediateDirectories: true)
        try Self.root.write(toFile: folder + "/app/main.pf", atomically: true, encoding: .utf8)
        try Self.packets.write(toFile: folder + "/shared/packets.pf", atomically: true, encoding: .utf8)
        let fake = FakeReactor()
        try await fake.reactor.loadRegistry()
        let router = ReactorHTTPAPI(reactor: fake.reactor, token: "s3cret").router()
        try await Application(router: router).test(.live) { client in
            let port = try #require(client.port)
            let deploy = try await PacketFlowExecutable.run(
                ["deploy", folder + "/app/main.pf", "--reactor", "http://127.0.0.1:\(port)", "--token", "s3cret"])
            #expect(deploy.exitCode == 0, "\(deploy.standardError)")
            #expect(deploy.standardOutput.contains("deployed Imported: RelayPacket, SinkPacket"))
        }
        let record = try #require(try await fake.registry.load()["Imported"])
        #expect(record.sourceName == "app/main.pf")
        #expect(record.imports == ["shared/packets.pf": Self.packets])
        #expect(fake.scaler.count("RelayPacket") == 1)
        #expect(try await fake.reactor.status("Imported").sourceName == "app/main.pf")
    }

    static let packets = """
        packet RelayPacket { group: DF, handler: builtin("forward"), partitions: 2 }
        packet SinkPacket { group: DF, handler: builtin("drop") }
        """

    static let root = """
        import "../shared/packets.pf"
        molecule Imported {
          composition: [RelayPacket, SinkPacket],
          bonds: [ {RelayPacket, SinkPacket, :ionic} ]
        }
        """
}
