import PacketFlowLanguage
import Testing

@Suite("fmt: canonical, idempotent, keeps comments, keeps the plan")
struct FormatterTests {
    static let inputs: [String] = [
        "import \"packets.pf\"\n" + LanguageFixtures.conceptMolecule,
        LanguageFixtures.orderFulfilment,
        """
        import "packets.pf" // shared packets
        /* block
           comment */
        molecule    M{composition:[AlertPacket,/* inline */SavePacket,],bonds:[{AlertPacket,SavePacket,:ionic}]
        ,overrides:{SavePacket:{retries:1}}}   // after


        // at the end
        """,
        """
        import "packets.pf"
        packet Long { group: DF, handler: exec("a very long command line that goes on and on"), cost: 1, key: "some.field.path" }
        molecule M {
          composition: [Long], // the only one

          sinks: [connector("postgres", // where
            table: "t")],
        }
        """,
    ]

    @Test("formatting a formatted file changes nothing", arguments: inputs)
    func idempotent(_ input: String) throws {
        let once = try MoleculeFormatter.format(input)
        #expect(try MoleculeFormatter.format(once) == once)
    }

    @Test("every comment survives formatting, in order", arguments: inputs)
    func keepsComments(_ input: String) throws {
        let formatted = try MoleculeFormatter.format(input)
        #expect(Self.comments(formatted) == Self.comments(input))
    }

    @Test("parse(fmt(x)) plans exactly like parse(x)", arguments: inputs)
    func samePlan(_ input: String) throws {
        let formatted = try MoleculeFormatter.format(input)
        let before = try LanguageFixtures.program(input)
        let after = try LanguageFixtures.program(formatted)
        #expect(before.diagnostics.isEmpty)
        #expect(try after.plans() == before.plans())
    }

    @Test("the canonical layout")
    func canonicalLayout() throws {
        let input = """
            import "packets.pf"
            packet A {group:CF,handler:swift("a"),resources:{cpu:0.5,memory:256Mi}} // trailing
            molecule M {composition:[A,
            // why B
            B],bonds:[{A,B,:ionic}]}
            """
        let expected = """
            import "packets.pf"

            packet A { group: CF, handler: swift("a"), resources: { cpu: 0.5, memory: 256Mi } } // trailing

            molecule M {
              composition: [
                A,
                // why B
                B,
              ],
              bonds: [{A, B, :ionic}],
            }

            """
        #expect(try MoleculeFormatter.format(input) == expected)
    }

    @Test("a file with syntax errors is not formatted; the errors say why")
    func refusesBrokenFile() {
        let error = #expect(throws: LanguageError.self) { try MoleculeFormatter.format("packet A { group: }", name: "a.pf") }
        #expect(error?.message == "a.pf has 1 syntax error")
        #expect(error?.diagnostics.first?.description == "a.pf:1:19: error: expected a value, found '}'")
    }

    @Test("strings with quotes and backslashes round-trip")
    func stringEscapes() throws {
        let input = #"packet A { group: CF, handler: exec("echo \"hi\" \\ there") }"#
        let formatted = try MoleculeFormatter.format(input)
        #expect(formatted == input + "\n")
        let packet = try #require(MoleculeProgram.parse(formatted).packets["A"])
        #expect(packet.handler == .exec(#"echo "hi" \ there"#))
    }

    /// The comments of a text, found by a scanner that knows strings; trailing spaces dropped.
    static func comments(_ text: String) -> [String] {
        let characters = Array(text)
        var found: [String] = []
        var index = 0
        while index < characters.count {
            switch characters[index] {
            case "\"":
                index += 1
                while index < characters.count, characters[index] != "\"" {
                    index += characters[index] == "\\" ? 2 : 1
                }
                index += 1
            case "/" where index + 1 < characters.count && characters[index + 1] == "/":
                var end = index
                while end < characters.count, characters[end] != "\n" { end += 1 }
                var comment = String(characters[index..<end])
                while comment.last == " " { comment.removeLast() }
                found.append(comment)
                index = end
            case "/" where index + 1 < characters.count && characters[index + 1] == "*":
                var end = index + 2
                while end + 1 < characters.count, !(characters[end] == "*" && characters[end + 1] == "/") { end += 1 }
                end = min(end + 2, characters.count)
                found.append(String(characters[index..<end]))
                index = end
            default:
                index += 1
            }
        }
        return found
    }
}
