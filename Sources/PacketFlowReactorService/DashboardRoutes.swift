import Foundation
import Hummingbird
import PacketFlowLanguage

/// The reactor's web page: `GET /` and `GET /ui` serve ``DashboardPage``, `GET
/// /ui/molecules/{name}/graph` the molecule's packets and bonds as JSON.
///
/// The graph is planned from the deployed molecule's files (the root and its imports) as the
/// reactor's registry holds them; the live numbers come from the page polling
/// `GET /v1/molecules/{name}` every second.
public struct DashboardRoutes: Sendable {
    /// The reactor whose molecules are shown.
    public var reactor: ReactorService

    /// Routes over `reactor`'s molecules.
    public init(reactor: ReactorService) {
        self.reactor = reactor
    }

    /// Adds the page's routes to `router`.
    public func add(to router: Router<BasicRequestContext>) {
        let reactor = reactor
        let page = Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: DashboardPage.html)))
        router.get("/") { _, _ in page }
        router.get("/ui") { _, _ in page }
        router.get("/ui/molecules/:name/graph") { _, context in
            let name = try context.parameters.require("name")
            guard let deployed = await reactor.deployed(name), let graph = Self.graph(of: deployed) else {
                return Response(
                    status: .notFound, headers: [.contentType: "application/json"],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"error":"no molecule named this is deployed"}"#)))
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(graph))))
        }
    }

    /// The graph of a deployed molecule, or nil when its files no longer check.
    static func graph(of deployed: DeployedMolecule) -> DashboardGraph? {
        let bundle = deployed.bundle
        let program = MoleculeProgram.parse(deployed.source, name: bundle.root, loader: InMemorySourceLoader(bundle.files))
        guard let plan = try? program.plan(molecule: deployed.name), let declaration = try? program.select(deployed.name)
        else { return nil }
        var packets: [DashboardGraph.Packet] = []
        for stage in plan.stages {
            for packet in stage.packets {
                packets.append(.init(name: packet.name, group: packet.group.symbol, stage: stage.name))
            }
        }
        let bonds = declaration.bonds.map { DashboardGraph.Bond(from: $0.from, to: $0.to, kind: "\($0.kind)") }
        return DashboardGraph(molecule: plan.molecule, packets: packets, bonds: bonds)
    }
}
