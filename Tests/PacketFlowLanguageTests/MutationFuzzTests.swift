import PacketFlowLanguage
import Testing

@Suite("Fuzz: mutated molecules never crash and always plan or explain")
struct MutationFuzzTests {
    /// A small deterministic generator, so a failure names a seed that reproduces it.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let seeds = [
        "import \"packets.pf\"\n" + LanguageFixtures.conceptMolecule,
        LanguageFixtures.orderFulfilment,
        LanguageFixtures.packets,
    ]

    /// Splits a text into pieces, each a token (or comment) with the whitespace after it.
    static func pieces(_ text: String) -> [String] {
        let characters = Array(text)
        var pieces: [String] = []
        var index = 0
        func isWord(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" || c == "." || c == "-" }
        while index < characters.count {
            let start = index
            let c = characters[index]
            if c == "\"" {
                index += 1
                while index < characters.count, characters[index] != "\"" { index += 1 }
                index += 1
            } else if c == "/", index + 1 < characters.count, characters[index + 1] == "/" {
                while index < characters.count, characters[index] != "\n" { index += 1 }
            } else if c == "/", index + 1 < characters.count, characters[index + 1] == "*" {
                index += 2
                while index + 1 < characters.count, !(characters[index] == "*" && characters[index + 1] == "/") { index += 1 }
                index += 2
            } else if isWord(c) {
                while index < characters.count, isWord(characters[index]) { index += 1 }
            } else {
                index += 1
            }
            index = min(index, characters.count)
            while index < characters.count, characters[index].isWhitespace { index += 1 }
            pieces.append(String(characters[start..<index]))
        }
        return pieces
    }

    /// Deletes, duplicates or swaps a few pieces, or drops in a stray character.
    static func mutate(_ pieces: [String], using generator: inout SplitMix64) -> String {
        var pieces = pieces
        for _ in 0..<Int.random(in: 1...4, using: &generator) where !pieces.isEmpty {
            let at = Int.random(in: 0..<pieces.count, using: &generator)
            switch Int.random(in: 0..<5, using: &generator) {
            case 0: pieces.remove(at: at)
            case 1: pieces.insert(pieces[at], at: at)
            case 2: pieces.swapAt(at, Int.random(in: 0..<pieces.count, using: &generator))
            case 3: pieces.swapAt(at, min(at + 1, pieces.count - 1))
            default: pieces.insert(["$", "\"", "/*", "é", "{", "]", ":", "-1", "0"].randomElement(using: &generator)!, at: at)
            }
        }
        return pieces.joined()
    }

    @Test("2,000 character-level mutants: diagnostics always point into the file", arguments: Array(0..<2))
    func characterMutants(seedIndex: Int) throws {
        let characters = Array(Self.seeds[seedIndex].unicodeScalars)
        var generator = SplitMix64(state: UInt64(seedIndex + 11) * 104_729)
        let alphabet = Array("{}[]():,\"/*\\-.09aZ_ \n\té€".unicodeScalars)
        for round in 0..<1_000 {
            var mutant = characters
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                let at = Int.random(in: 0...mutant.count, using: &generator)
                if Bool.random(using: &generator), at < mutant.count {
                    mutant.remove(at: at)
                } else {
                    mutant.insert(alphabet.randomElement(using: &generator)!, at: at)
                }
            }
            let text = String(String.UnicodeScalarView(mutant))
            let program = MoleculeProgram.parse(text, name: "main.pf", loader: LanguageFixtures.loader())
            for diagnostic in program.diagnostics where diagnostic.location.file == "main.pf" {
                let source = program.sources[0]
                #expect((1...source.lineCount).contains(diagnostic.location.line), "round \(round): \(diagnostic)")
                let width = source.line(diagnostic.location.line).unicodeScalars.count
                #expect((1...(width + 1)).contains(diagnostic.location.column), "round \(round): \(diagnostic)")
            }
            if !program.diagnostics.containsErrors { _ = try program.plans() }
        }
    }

    @Test("3,000 mutants: a plan, or diagnostics at valid positions", arguments: Array(0..<3))
    func mutants(seedIndex: Int) throws {
        let pieces = Self.pieces(Self.seeds[seedIndex])
        #expect(pieces.joined() == Self.seeds[seedIndex])
        var generator = SplitMix64(state: UInt64(seedIndex + 1) * 7_919)
        var planned = 0
        var rejected = 0
        for round in 0..<1_000 {
            let mutant = Self.mutate(pieces, using: &generator)
            let program = MoleculeProgram.parse(mutant, name: "main.pf", loader: LanguageFixtures.loader())
            let files = Dictionary(uniqueKeysWithValues: program.sources.map { ($0.name, $0) })
            for diagnostic in program.diagnostics {
                let file = try #require(files[diagnostic.location.file], "round \(round): \(diagnostic)")
                let line = diagnostic.location.line
                #expect((1...file.lineCount).contains(line), "round \(round): \(diagnostic)\n\(mutant)")
                let width = file.line(line).unicodeScalars.count
                #expect((1...(width + 1)).contains(diagnostic.location.column), "round \(round): \(diagnostic)\n\(mutant)")
                #expect(!diagnostic.message.isEmpty)
            }
            if program.diagnostics.containsErrors {
                rejected += 1
                #expect(throws: LanguageError.self) { try program.plans() }
            } else {
                planned += 1
                _ = try program.plans()
                // A mutant that checks also formats, idempotently, to the same plans.
                let formatted = try MoleculeFormatter.format(mutant)
                #expect(try MoleculeFormatter.format(formatted) == formatted, "round \(round):\n\(mutant)")
                #expect(FormatterTests.comments(formatted) == FormatterTests.comments(mutant), "round \(round):\n\(mutant)")
                let reparsed = MoleculeProgram.parse(formatted, name: "main.pf", loader: LanguageFixtures.loader())
                #expect(try reparsed.plans() == program.plans(), "round \(round):\n\(mutant)")
            }
        }
        // Both outcomes must actually occur, or the mutation is too weak or too strong to tell anything.
        #expect(planned > 0)
        #expect(rejected > 0)
    }
}
