import Foundation
import Hummingbird
import PacketFlowLanguage

/// The reactor's web page: `GET /` and `GET /ui` serve ``DashboardPage``, `GET
/// /ui/molecules/{name}/graph` the molecule's packets and bonds as JSON.
///
/// The graph is read from the molecule file the reactor keeps for its workers
/// (`STATE-DIR/molecules/NAME.pf`), so it needs no access to the reactor's state; the live
/// numbers come from the page polling `GET /v1/molecules/{name}` every second.
public struct DashboardRoutes: Sendable {
    /// The folder of deployed molecule files: the reactor's state directory + `/molecules`.
    public var moleculeFolder: String

    /// Routes reading molecule files from `moleculeFolder`.
    public init(moleculeFolder: String) {
        self.moleculeFolder = moleculeFolder
    }

    /// Adds the page's routes to `router`.
    public func add(to router: Router<BasicRequestContext>) {
        let folder = moleculeFolder
        let page = Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: DashboardPage.html)))
        router.get("/") { _, _ in page }
        router.get("/ui") { _, _ in page }
        router.get("/ui/molecules/:name/graph") { _, context in
            let name = try context.parameters.require("name")
            guard let graph = Self.graph(molecule: name, folder: folder) else {
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

    /// The graph of the deployed molecule `molecule`, or nil when no file of that name checks.
    static func graph(molecule: String, folder: String) -> DashboardGraph? {
        guard molecule.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }),
            let data = FileManager.default.contents(atPath: "\(folder)/\(molecule).pf")
        else { return nil }
        let program = MoleculeProgram.parse(String(decoding: data, as: UTF8.self), name: "\(molecule).pf")
        guard let plan = try? program.plan(molecule: molecule), let declaration = try? program.select(molecule) else {
            return nil
        }
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
