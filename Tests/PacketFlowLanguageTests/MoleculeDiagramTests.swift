import PacketFlowLanguage
import Testing

@Suite("graph: bonds drawn by kind")
struct MoleculeDiagramTests {
    static let source = """
        import "packets.pf"
        molecule M {
          composition: [ValidatePacket, ComputePacket, SavePacket, CachePacket],
          bonds: [
            {ValidatePacket, ComputePacket, :ionic},
            {ComputePacket, SavePacket, :covalent},
            {SavePacket, CachePacket, :metallic},
            {ValidatePacket, CachePacket, :weak},
          ],
        }
        """

    @Test("DOT: one style per bond kind, covalent chains boxed")
    func dot() throws {
        let text = try MoleculeDiagram.render(LanguageFixtures.program(Self.source), format: .dot)
        #expect(text.hasPrefix("digraph M {"))
        #expect(text.contains(#"ValidatePacket -> ComputePacket [label="ionic", style=solid];"#))
        #expect(text.contains(#"ComputePacket -> SavePacket [label="covalent", style=bold, penwidth=2];"#))
        #expect(text.contains(#"SavePacket -> CachePacket [label="metallic", style=dashed, dir=none];"#))
        #expect(text.contains(#"ValidatePacket -> CachePacket [label="weak", style=dotted, dir=none];"#))
        #expect(text.contains(#"label="stage ComputePacket";"#))
    }

    @Test("Mermaid: one arrow per bond kind")
    func mermaid() throws {
        let text = try MoleculeDiagram.render(LanguageFixtures.program(Self.source), format: .mermaid)
        #expect(text.hasPrefix("flowchart LR\n"))
        #expect(text.contains("ValidatePacket -->|ionic| ComputePacket"))
        #expect(text.contains("ComputePacket ==>|covalent| SavePacket"))
        #expect(text.contains("SavePacket ---|metallic| CachePacket"))
        #expect(text.contains("ValidatePacket -.-|weak| CachePacket"))
        #expect(text.contains(#"subgraph stage_1 ["stage ComputePacket"]"#))
    }
}
