import PacketFlowLanguage
import Testing

@Suite("Imports: relative paths, cycles, missing files")
struct ImportTests {
    @Test("an import is resolved against the importing file's directory")
    func relativeImport() throws {
        let loader = InMemorySourceLoader([
            "deploy/main.pf": "import \"lib/packets.pf\"\nmolecule M { composition: [P] }",
            "deploy/lib/packets.pf": "import \"../shared/base.pf\"\npacket P { group: ED, handler: builtin(\"log\") }",
            "deploy/shared/base.pf": "packet Q { group: CF, handler: swift(\"q\") }",
        ])
        let program = try MoleculeProgram.load(path: "deploy/main.pf", loader: loader)
        #expect(program.diagnostics.isEmpty)
        #expect(program.sources.map(\.name) == ["deploy/main.pf", "deploy/lib/packets.pf", "deploy/shared/base.pf"])
        #expect(program.packets.keys.sorted() == ["P", "Q"])
        #expect(program.rootMolecules.map(\.name) == ["M"])
    }

    @Test("an import cycle is named at the import that closes it")
    func importCycle() throws {
        let loader = InMemorySourceLoader([
            "a.pf": "import \"b.pf\"\nmolecule M { composition: [P] }",
            "b.pf": "import \"a.pf\"\npacket P { group: ED, handler: builtin(\"log\") }",
        ])
        let program = try MoleculeProgram.load(path: "a.pf", loader: loader)
        #expect(program.diagnostics.map(\.description) == ["b.pf:1:8: error: import cycle: a.pf → b.pf → a.pf"])
    }

    @Test("a missing import is an error at its path; a missing root file throws")
    func missingFiles() throws {
        let loader = InMemorySourceLoader(["main.pf": "import \"nope.pf\""])
        let program = try MoleculeProgram.load(path: "main.pf", loader: loader)
        #expect(program.diagnostics.map(\.description) == [#"main.pf:1:8: error: cannot import "nope.pf": no such file"#])
        let error = #expect(throws: LanguageError.self) { try MoleculeProgram.load(path: "gone.pf", loader: loader) }
        #expect(error?.code == .unreadableFile)
        #expect(error?.message == "cannot read gone.pf: no such file")
    }

    @Test("a file imported twice is read once")
    func diamond() throws {
        let loader = InMemorySourceLoader([
            "main.pf": "import \"a.pf\"\nimport \"b.pf\"\nmolecule M { composition: [P] }",
            "a.pf": "import \"p.pf\"",
            "b.pf": "import \"./p.pf\"",
            "p.pf": "packet P { group: ED, handler: builtin(\"log\") }",
        ])
        let program = try MoleculeProgram.load(path: "main.pf", loader: loader)
        #expect(program.diagnostics.isEmpty)
        #expect(program.sources.map(\.name) == ["main.pf", "a.pf", "p.pf", "b.pf"])
    }
}
