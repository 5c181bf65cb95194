import PacketFlowLanguage

/// Molecule texts and helpers shared by the language tests.
enum LanguageFixtures {
    /// Packets of every group, imported by most test molecules as "packets.pf".
    static let packets = """
        packet ValidatePacket { group: CF, handler: swift("validate") }
        packet ComputePacket { group: DF, handler: exec("python3 compute.py") }
        packet SavePacket { group: CF, handler: swift("save") }
        packet AlertPacket { group: ED, handler: builtin("log") }
        packet CachePacket { group: RM, handler: swift("cache") }
        packet VotePacket { group: CO, handler: swift("vote") }
        packet ScalerPacket { group: MC, handler: swift("scale") }
        packet AuditPacket { group: CF, handler: swift("audit") }
        packet TransformPacket { group: DF, handler: builtin("forward") }
        """

    /// The concept's example, character for character.
    static let conceptMolecule = """
        // PacketFlow approach  
        molecule ProcessingPipeline {
          composition: [
            ValidatePacket,     // CF type - must happen first
            ComputePacket,      // DF type - can be parallelized  
            SavePacket          // CF type - must happen after compute
          ],
          bonds: [
            {ValidatePacket, ComputePacket, :ionic},    // Sequential
            {ComputePacket, SavePacket, :ionic}         // Sequential
          ]
        }
        """

    /// A larger molecule using every construct: sources, sinks, connectors, overrides, all bond kinds.
    static let orderFulfilment = """
        import "packets.pf"

        /* Orders arrive on "orders"; alerts come straight from "alerts". */
        packet EnrichPacket {
          group: DF,
          handler: exec("python3 enrich.py"),
          cost: 2.5,
          resources: { cpu: 1, memory: 512Mi },
          timeout: 2s,
        }
        packet FormatPacket { group: DF, handler: builtin("forward") }

        molecule OrderFulfilment {
          composition: [ValidatePacket, ComputePacket, EnrichPacket, FormatPacket, SavePacket, AlertPacket, CachePacket],
          sources: [topic("orders", to: ValidatePacket), topic("alerts", to: AlertPacket)],
          sinks: [topic("fulfilled", from: SavePacket), connector("postgres", table: "orders", batch: 100)],
          bonds: [
            {ValidatePacket, ComputePacket, :ionic},
            {ComputePacket, EnrichPacket, :covalent}, // fused: one stage
            {EnrichPacket, FormatPacket, :covalent},
            {FormatPacket, SavePacket, :ionic},
            {SavePacket, CachePacket, :metallic},
            {AlertPacket, CachePacket, :ionic},
            {ValidatePacket, SavePacket, :weak},
          ],
          overrides: {
            ComputePacket: { scale: { max: 16 }, partitions: 24 },
            SavePacket: { retries: 1 },
          },
        }
        """

    /// A loader holding `files` plus the shared packets at "packets.pf".
    static func loader(_ files: [String: String] = [:]) -> InMemorySourceLoader {
        InMemorySourceLoader(files.merging(["packets.pf": packets]) { mine, _ in mine })
    }

    /// Loads `text` as "main.pf" with "packets.pf" importable.
    static func program(_ text: String, files: [String: String] = [:]) throws -> MoleculeProgram {
        try MoleculeProgram.load(path: "main.pf", loader: loader(files.merging(["main.pf": text]) { _, new in new }))
    }

    /// Diagnostics as `line:column: severity: message`, the form test tables use.
    static func diagnostics(_ text: String, files: [String: String] = [:]) throws -> [String] {
        try program(text, files: files).diagnostics.map {
            "\($0.location.line):\($0.location.column): \($0.severity.rawValue): \($0.message)"
        }
    }
}
