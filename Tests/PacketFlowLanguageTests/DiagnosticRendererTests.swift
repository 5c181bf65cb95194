import PacketFlowLanguage
import Testing

@Suite("Rendered diagnostics: header, source line, caret, hint")
struct DiagnosticRendererTests {
    @Test("a diagnostic renders like a compiler's")
    func rendersCaret() throws {
        let program = try LanguageFixtures.program("""
            import "packets.pf"
            molecule M {
            \tcomposition: [ValidatePacket, ComputPacket],
            }
            """)
        #expect(program.renderedDiagnostics() == """
            main.pf:3:32: error: unknown packet ComputPacket in composition
                \tcomposition: [ValidatePacket, ComputPacket],
                \t                              ^
              hint: did you mean ComputePacket?

            """)
    }

    @Test("columns count characters, not bytes")
    func unicodeColumns() {
        let program = MoleculeProgram.parse("// é\nmolecule M { composition: [Ünknown] }")
        #expect(program.diagnostics.first?.description == "input.pf:2:28: error: unexpected character 'Ü'")
        let source = SourceFile(name: "x", text: "é$")
        #expect(source.location(ofOffset: 2).column == 2)
    }

    @Test("check reports count errors and warnings and repeat nothing", arguments: [
        (["main.pf"], "1 error, 0 warnings in 1 file", false),
        (["ok.pf"], "ok: 1 file, 1 molecule", true),
        (["ok.pf", "missing.pf"], "1 error, 0 warnings in 2 files", false),
        (["main.pf", "other.pf"], "2 errors, 0 warnings in 2 files", false),
    ])
    func checkReport(paths: [String], summary: String, succeeded: Bool) {
        let loader = LanguageFixtures.loader([
            "main.pf": "import \"broken.pf\"\nmolecule M { composition: [B] }",
            "other.pf": "import \"broken.pf\"\nmolecule N { composition: [Nope] }",
            "broken.pf": "packet B { group: CF }",
            "ok.pf": "import \"packets.pf\"\nmolecule M { composition: [AlertPacket] }",
        ])
        let report = CheckReport.check(paths, loader: loader)
        #expect(report.summary == summary)
        #expect(report.succeeded == succeeded)
    }
}
