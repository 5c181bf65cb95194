import PacketFlowLanguage
import Testing

@Suite("Checks: each problem has an exact message, position and hint")
struct CheckDiagnosticTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var source: String
        var expected: [String]
        var hint: String?
        var testDescription: String { name }
    }

    /// Every source imports the fixture packets on line 1, so the molecule starts on line 2.
    static let cases: [Case] = [
        Case(name: "unknown packet in composition",
             source: "molecule M { composition: [ValidatePacket, ComputPacket] }",
             expected: ["2:44: error: unknown packet ComputPacket in composition"],
             hint: "did you mean ComputePacket?"),
        Case(name: "unknown packet in a bond",
             source: "molecule M { composition: [ValidatePacket, SavePacket], bonds: [{ValidatePacket, SavPacket, :ionic}] }",
             expected: ["2:82: error: unknown packet SavPacket"],
             hint: "did you mean SavePacket?"),
        Case(name: "duplicate packet",
             source: #"packet ValidatePacket { group: CF, handler: swift("v") }"#,
             expected: ["2:8: error: duplicate packet ValidatePacket"],
             hint: "first declared at packets.pf:1:8"),
        Case(name: "duplicate molecule",
             source: "molecule M { composition: [AlertPacket] }\nmolecule M { composition: [AlertPacket] }",
             expected: ["3:10: error: duplicate molecule M"],
             hint: "first declared at main.pf:2:10"),
        Case(name: "duplicate field",
             source: #"packet A { group: CF, group: DF, handler: swift("a") }"#,
             expected: ["2:23: error: duplicate field group"],
             hint: "first set at 2:12"),
        Case(name: "packet twice in a composition",
             source: "molecule M { composition: [ValidatePacket, ValidatePacket] }",
             expected: ["2:44: error: ValidatePacket appears twice in the composition of M"],
             hint: "first listed at 2:28"),
        Case(name: "unknown bond kind",
             source: "molecule M { composition: [ValidatePacket, SavePacket], bonds: [{ValidatePacket, SavePacket, :ionc}] }",
             expected: ["2:94: error: unknown bond kind :ionc"],
             hint: "did you mean :ionic?"),
        Case(name: "bond kind without colon",
             source: "molecule M { composition: [ValidatePacket, SavePacket], bonds: [{ValidatePacket, SavePacket, ionic}] }",
             expected: ["2:94: error: bond kind must be written with a colon, found ionic"],
             hint: "write :ionic"),
        Case(name: "bond with two elements",
             source: "molecule M { composition: [ValidatePacket, SavePacket], bonds: [{ValidatePacket, SavePacket}] }",
             expected: ["2:65: error: a bond is {from, to, :kind}, found 2 elements"],
             hint: "write {FromPacket, ToPacket, :ionic}"),
        Case(name: "bond to itself",
             source: "molecule M { composition: [ValidatePacket, SavePacket], bonds: [{ValidatePacket, ValidatePacket, :ionic}] }",
             expected: ["2:65: error: bond from ValidatePacket to itself"],
             hint: "a bond joins two different packets"),
        Case(name: "bond to a packet outside the composition",
             source: "molecule M { composition: [ValidatePacket, SavePacket], bonds: [{ValidatePacket, ComputePacket, :ionic}] }",
             expected: ["2:82: error: ComputePacket is not in the composition of M"],
             hint: "add ComputePacket to composition"),
        Case(name: "ionic cycle",
             source: """
                molecule M {
                  composition: [ValidatePacket, ComputePacket, SavePacket],
                  bonds: [
                    {ValidatePacket, ComputePacket, :ionic},
                    {ComputePacket, SavePacket, :ionic},
                    {SavePacket, ValidatePacket, :ionic},
                  ],
                }
                """,
             expected: ["7:5: error: ionic cycle: ValidatePacket → ComputePacket → SavePacket → ValidatePacket"],
             hint: "ionic bonds must flow one way; share state with :metallic instead"),
        Case(name: "stage no source reaches",
             source: """
                molecule M {
                  composition: [ValidatePacket, SavePacket, AlertPacket],
                  sources: [topic("orders", to: ValidatePacket)],
                  bonds: [{ValidatePacket, SavePacket, :ionic}],
                }
                """,
             expected: ["3:45: error: AlertPacket is not reached by any source"],
             hint: #"add an ionic bond into AlertPacket or a source topic("...", to: AlertPacket)"#),
        Case(name: "contradictory bonds",
             source: "molecule M { composition: [ValidatePacket, SavePacket], bonds: [{ValidatePacket, SavePacket, :ionic}, {ValidatePacket, SavePacket, :covalent}] }",
             expected: ["2:103: error: contradictory bonds between ValidatePacket and SavePacket: :covalent here, :ionic at 2:65"],
             hint: ":covalent fuses them into one stage, :ionic passes packets between two"),
        Case(name: "covalent both ways",
             source: "molecule M { composition: [ValidatePacket, SavePacket], bonds: [{ValidatePacket, SavePacket, :covalent}, {SavePacket, ValidatePacket, :covalent}] }",
             expected: ["2:106: error: contradictory bonds between SavePacket and ValidatePacket: :covalent both ways"],
             hint: "the other direction is at 2:65; a covalent chain runs one way"),
        Case(name: "duplicate bond is a warning",
             source: "molecule M { composition: [ValidatePacket, SavePacket], bonds: [{ValidatePacket, SavePacket, :ionic}, {ValidatePacket, SavePacket, :ionic}] }",
             expected: ["2:103: warning: duplicate bond {ValidatePacket, SavePacket, :ionic}"],
             hint: "the same bond is at 2:65"),
        Case(name: "covalent branch",
             source: "molecule M { composition: [ValidatePacket, SavePacket, CachePacket], bonds: [{ValidatePacket, SavePacket, :covalent}, {ValidatePacket, CachePacket, :covalent}] }",
             expected: ["2:119: error: ValidatePacket already has a covalent bond to SavePacket; covalent bonds must form a chain"],
             hint: "use :ionic to send one packet's results to several"),
        Case(name: "ionic bond into the middle of a chain",
             source: "molecule M { composition: [ValidatePacket, SavePacket, AlertPacket], bonds: [{ValidatePacket, SavePacket, :covalent}, {AlertPacket, SavePacket, :ionic}] }",
             expected: ["2:133: error: ionic bond enters SavePacket in the middle of the covalent chain ValidatePacket → SavePacket"],
             hint: "bond to ValidatePacket instead"),
        Case(name: "ionic bond inside one stage",
             source: "molecule M { composition: [ValidatePacket, SavePacket, AuditPacket], bonds: [{ValidatePacket, SavePacket, :covalent}, {SavePacket, AuditPacket, :covalent}, {ValidatePacket, AuditPacket, :ionic}] }",
             expected: ["2:157: error: ionic bond from ValidatePacket to AuditPacket inside one stage"],
             hint: "covalent bonds fuse ValidatePacket → SavePacket → AuditPacket; remove one of the bonds"),
        Case(name: "mixed groups in a covalent chain warn",
             source: "molecule M { composition: [ValidatePacket, ComputePacket], bonds: [{ValidatePacket, ComputePacket, :covalent}] }",
             expected: ["2:68: warning: covalent bond fuses ValidatePacket (CF) and ComputePacket (DF) into one stage"],
             hint: "the stage runs as the group of its first packet; use :ionic to keep both groups"),
        Case(name: "packet without group",
             source: #"packet A { handler: swift("a") }"#,
             expected: ["2:8: error: packet A has no group"],
             hint: "add group: CF, DF, ED, CO, MC or RM"),
        Case(name: "packet without handler",
             source: "packet B { group: CF }",
             expected: ["2:8: error: packet B has no handler"],
             hint: #"add handler: swift("name"), exec("command") or builtin("log")"#),
        Case(name: "molecule without composition",
             source: "molecule M { bonds: [] }",
             expected: ["2:10: error: molecule M has no composition"],
             hint: "add composition: [FirstPacket, SecondPacket]"),
        Case(name: "negative cost",
             source: #"packet A { group: DF, handler: swift("a"), cost: -1 }"#,
             expected: ["2:50: error: cost must not be negative, found -1"],
             hint: "cost is a relative weight; 1 is an ordinary call"),
        Case(name: "unknown memory unit",
             source: #"packet A { group: DF, handler: swift("a"), resources: { memory: 256Mb } }"#,
             expected: ["2:68: error: unknown memory unit Mb"],
             hint: "did you mean 256MB?"),
        Case(name: "memory without unit",
             source: #"packet A { group: DF, handler: swift("a"), resources: { cpu: 0, memory: 256 } }"#,
             expected: ["2:62: error: cpu must be greater than 0, found 0", "2:73: error: memory needs a unit, found 256"],
             hint: nil),
        Case(name: "zero partitions",
             source: #"packet A { group: DF, handler: swift("a"), partitions: 0 }"#,
             expected: ["2:56: error: partitions must be at least 1, found 0"],
             hint: nil),
        Case(name: "scale min above max",
             source: #"packet A { group: DF, handler: swift("a"), scale: { min: 4, max: 2 } }"#,
             expected: ["2:51: error: scale min 4 is greater than max 2"],
             hint: nil),
        Case(name: "scale min above the group's max",
             source: "molecule M { composition: [VotePacket], overrides: { VotePacket: { scale: { min: 2 } } } }",
             expected: ["2:54: error: scale min 2 of VotePacket is greater than max 1 (the CO default)"],
             hint: "declare scale: { min: 2, max: 2 } or lower min"),
        Case(name: "scale max above partitions warns",
             source: "molecule M { composition: [ComputePacket], overrides: { ComputePacket: { partitions: 4, scale: { max: 8 } } } }",
             expected: ["2:57: warning: scale max 8 of ComputePacket exceeds its 4 partitions; replicas beyond 4 would sit idle"],
             hint: "raise partitions to 8 or lower scale max"),
        Case(name: "unknown group",
             source: #"packet A { group: XF, handler: swift("a") }"#,
             expected: ["2:19: error: unknown group XF"],
             hint: "did you mean CF?"),
        Case(name: "unknown built-in handler",
             source: #"packet A { group: ED, handler: builtin("logg") }"#,
             expected: ["2:40: error: unknown built-in handler logg"],
             hint: "did you mean log?"),
        Case(name: "filter built-in without a condition",
             source: #"packet A { group: DF, handler: builtin("filter") }"#,
             expected: ["2:40: error: built-in filter needs an argument after ':'"],
             hint: #"write builtin("filter: order.amount >= 100")"#),
        Case(name: "map built-in with an empty projection",
             source: #"packet A { group: DF, handler: builtin("map: ") }"#,
             expected: ["2:40: error: built-in map needs an argument after ':'"],
             hint: #"write builtin("map: id=order.id, total=order.amount")"#),
        Case(name: "argument to a built-in that takes none",
             source: #"packet A { group: DF, handler: builtin("passthrough: x") }"#,
             expected: ["2:40: error: built-in passthrough takes no argument"],
             hint: #"write builtin("passthrough")"#),
        Case(name: "timeout without unit",
             source: #"packet A { group: ED, handler: swift("a"), timeout: 5 }"#,
             expected: ["2:53: error: timeout needs a unit, found 5"],
             hint: "units are ms, s, m, h; write 5s"),
        Case(name: "unknown field",
             source: #"packet A { grop: ED, handler: swift("a") }"#,
             expected: ["2:8: error: packet A has no group", "2:12: error: unknown packet field grop"],
             hint: "add group: CF, DF, ED, CO, MC or RM"),
        Case(name: "override of a packet outside the composition",
             source: "molecule M { composition: [ValidatePacket], overrides: { SavePacket: { partitions: 3 } } }",
             expected: ["2:58: error: SavePacket is not in the composition of M"],
             hint: "add SavePacket to composition"),
        Case(name: "invalid topic name",
             source: #"molecule M { composition: [ValidatePacket], sinks: [topic("bad name")] }"#,
             expected: [#"2:53: error: invalid topic name "bad name""#],
             hint: "use at most 200 letters, digits, '.', '_' and '-'"),
        Case(name: "unknown topic argument",
             source: #"molecule M { composition: [ValidatePacket], sources: [topic("orders", too: ValidatePacket)] }"#,
             expected: ["2:71: error: unknown argument too of topic(...)"],
             hint: "did you mean to:?"),
        Case(name: "a topic both source and sink",
             source: #"molecule M { composition: [ValidatePacket], sources: [topic("x")], sinks: [topic("x")] }"#,
             expected: [#"2:76: error: topic "x" is both a source and a sink of M"#],
             hint: "results written to a source would be read again forever; use another topic"),
        Case(name: "a declared topic in the molecule's own namespace",
             source: #"molecule M { composition: [ValidatePacket], sinks: [topic("pf.M.out")] }"#,
             expected: [#"2:53: error: topic "pf.M.out" is in the molecule's own namespace pf.M.*"#],
             hint: "the plan names those topics itself; choose a name outside pf.M."),
        Case(name: "a quorum on a packet that is not collective",
             source: #"packet Tally { group: DF, handler: builtin("forward"), quorum: 3 }"#,
             expected: ["2:56: error: quorum applies only to collective packets; Tally is DF"],
             hint: "collective packets are group: CO"),
        Case(name: "a window without a unit",
             source: #"packet Tally { group: CO, handler: builtin("forward"), window: 5 }"#,
             expected: ["2:64: error: window needs a unit, found 5"],
             hint: "units are ms, s, m, h; write 5s"),
        Case(name: "a bond topic longer than Kafka allows",
             source: """
                packet \(String(repeating: "A", count: 130)) { group: CF, handler: swift("a") }
                packet \(String(repeating: "B", count: 130)) { group: CF, handler: swift("b") }
                molecule M {
                  composition: [\(String(repeating: "A", count: 130)), \(String(repeating: "B", count: 130))],
                  bonds: [{\(String(repeating: "A", count: 130)), \(String(repeating: "B", count: 130)), :ionic}],
                }
                """,
             expected: ["6:11: error: the topic of this bond, pf.M.\(String(repeating: "A", count: 35))..., is 266 characters; Kafka allows 249"],
             hint: "shorten the packet or molecule names"),
    ]

    @Test("a check reports its exact diagnostic", arguments: cases)
    func reportsDiagnostic(_ testCase: Case) throws {
        let program = try LanguageFixtures.program("import \"packets.pf\"\n" + testCase.source)
        let found = program.diagnostics.map {
            "\($0.location.line):\($0.location.column): \($0.severity.rawValue): \($0.message)"
        }
        #expect(found == testCase.expected)
        #expect(program.diagnostics.first?.hint == testCase.hint)
        #expect(program.diagnostics.allSatisfy { $0.location.file == "main.pf" })
    }

    @Test(
        "every built-in the worker runs is accepted, with its argument",
        arguments: [
            "passthrough", "forward", "log", "drop", "filter: order.amount >= 100", "filter:status exists",
            "map: id=order.id, total=order.amount",
        ])
    func acceptsBuiltin(_ text: String) throws {
        let program = try LanguageFixtures.program("packet A { group: DF, handler: builtin(\"\(text)\") }\nmolecule M { composition: [A] }")
        #expect(program.diagnostics.isEmpty, "\(program.diagnostics.map(\.message))")
        #expect(try program.plan().stages.first?.packets.first?.handler == .builtin(text))
    }

    @Test("a program with errors does not plan, and says how many")
    func errorsStopPlanning() throws {
        let program = try LanguageFixtures.program("import \"packets.pf\"\nmolecule M { composition: [Nope, Nada] }")
        let error = #expect(throws: LanguageError.self) { try program.plan() }
        #expect(error?.code == .invalidProgram)
        #expect(error?.message == "main.pf has 2 errors")
        #expect(error?.diagnostics.count == 2)
    }

    @Test("warnings do not stop planning")
    func warningsPlan() throws {
        let program = try LanguageFixtures.program("""
            import "packets.pf"
            molecule M { composition: [ValidatePacket, SavePacket], bonds: [{ValidatePacket, SavePacket, :ionic}, {ValidatePacket, SavePacket, :ionic}] }
            """)
        #expect(program.diagnostics.map(\.severity) == [.warning])
        #expect(try program.plan().topics.filter { $0.role == .bond }.count == 1)
    }
}
