import Foundation
import PacketFlowLanguage
import Testing

@Suite("Plans: valid molecules and the topology they compile to")
struct TopologyPlanTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var source: String
        var outline: [String]
        var testDescription: String { name }
    }

    /// One line per stage, topic, store, hint and connector: the parts of a plan a deployer acts on.
    static func outline(_ plan: TopologyPlan) -> [String] {
        plan.stages.map { stage in
            let timeout = Int64(stage.timeout / .milliseconds(1))
            return "stage \(stage.name) \(stage.group) [\(stage.packets.map(\.name).joined(separator: ","))]"
                + " in=\(stage.inputTopics.joined(separator: ",")) out=\(stage.outputTopics.joined(separator: ","))"
                + " partitions=\(stage.partitions) replicas=\(stage.scaling.min)-\(stage.scaling.max)"
                + " retries=\(stage.retries) timeout=\(timeout)"
                + (stage.stateStores.isEmpty ? "" : " state=\(stage.stateStores.joined(separator: ","))")
        }
        + plan.topics.map { topic in
            "topic \(topic.name) \(topic.role.rawValue) \(topic.partitions)\(topic.managed ? "" : " external")"
                + topic.kafkaConfigs.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        }
        + plan.stateStores.map { "store \($0.name) \($0.stages.joined(separator: ","))" }
        + plan.placementHints.map { "hint \($0.stages.joined(separator: ","))" }
        + plan.connectors.map { "connector \($0.name) \($0.topic) \($0.options.sorted { $0.key < $1.key })" }
    }

    static let cases: [Case] = [
        Case(
            name: "one packet: implicit input and output",
            source: "molecule Solo { composition: [AlertPacket] }",
            outline: [
                "stage AlertPacket ED [AlertPacket] in=pf.Solo.input out=pf.Solo.output partitions=6 replicas=2-6 retries=2 timeout=30000",
                "topic pf.Solo.dead-letter dead-letter 1",
                "topic pf.Solo.input source 6",
                "topic pf.Solo.output sink 6",
            ]),
        Case(
            name: "covalent chain fused into one stage",
            source: """
                molecule Fused {
                  composition: [ValidatePacket, ComputePacket, TransformPacket],
                  bonds: [{ComputePacket, TransformPacket, :covalent}, {ValidatePacket, ComputePacket, :ionic}],
                }
                """,
            outline: [
                "stage ValidatePacket CF [ValidatePacket] in=pf.Fused.input out=pf.Fused.ValidatePacket-ComputePacket partitions=6 replicas=1-6 retries=4 timeout=30000",
                "stage ComputePacket DF [ComputePacket,TransformPacket] in=pf.Fused.ValidatePacket-ComputePacket out=pf.Fused.output partitions=12 replicas=1-12 retries=2 timeout=30000",
                "topic pf.Fused.ValidatePacket-ComputePacket bond 12",
                "topic pf.Fused.dead-letter dead-letter 1",
                "topic pf.Fused.input source 6",
                "topic pf.Fused.output sink 12",
            ]),
        Case(
            name: "metallic bond: a state store; weak bond: a placement hint",
            source: """
                molecule Shared {
                  composition: [ValidatePacket, CachePacket, AlertPacket],
                  bonds: [{CachePacket, ValidatePacket, :metallic}, {AlertPacket, ValidatePacket, :weak}],
                }
                """,
            outline: [
                "stage ValidatePacket CF [ValidatePacket] in=pf.Shared.input out=pf.Shared.output partitions=6 replicas=1-6 retries=4 timeout=30000 state=pf.Shared.state.CachePacket-ValidatePacket",
                "stage CachePacket RM [CachePacket] in=pf.Shared.input out=pf.Shared.output partitions=3 replicas=1-1 retries=2 timeout=30000 state=pf.Shared.state.CachePacket-ValidatePacket",
                "stage AlertPacket ED [AlertPacket] in=pf.Shared.input out=pf.Shared.output partitions=6 replicas=2-6 retries=2 timeout=30000",
                "topic pf.Shared.dead-letter dead-letter 1",
                "topic pf.Shared.input source 6",
                "topic pf.Shared.output sink 6",
                "topic pf.Shared.state.CachePacket-ValidatePacket state 6 cleanup.policy=compact",
                "store pf.Shared.state.CachePacket-ValidatePacket CachePacket,ValidatePacket",
                "hint AlertPacket,ValidatePacket",
            ]),
        Case(
            name: "fan-out and fan-in with declared sources, sinks and overrides",
            source: """
                molecule Fan {
                  composition: [ValidatePacket, ComputePacket, AlertPacket, SavePacket],
                  sources: [topic("orders")],
                  sinks: [topic("saved", from: SavePacket), connector("s3", bucket: "archive")],
                  bonds: [
                    {ValidatePacket, ComputePacket, :ionic},
                    {ValidatePacket, AlertPacket, :ionic},
                    {ComputePacket, SavePacket, :ionic},
                    {AlertPacket, SavePacket, :ionic},
                  ],
                  overrides: { SavePacket: { partitions: 2, retries: 0, timeout: 1500ms, scale: { max: 2 } } },
                }
                """,
            outline: [
                "stage ValidatePacket CF [ValidatePacket] in=orders out=pf.Fan.ValidatePacket-AlertPacket,pf.Fan.ValidatePacket-ComputePacket partitions=6 replicas=1-6 retries=4 timeout=30000",
                "stage ComputePacket DF [ComputePacket] in=pf.Fan.ValidatePacket-ComputePacket out=pf.Fan.ComputePacket-SavePacket partitions=12 replicas=1-12 retries=2 timeout=30000",
                "stage AlertPacket ED [AlertPacket] in=pf.Fan.ValidatePacket-AlertPacket out=pf.Fan.AlertPacket-SavePacket partitions=6 replicas=2-6 retries=2 timeout=30000",
                "stage SavePacket CF [SavePacket] in=pf.Fan.AlertPacket-SavePacket,pf.Fan.ComputePacket-SavePacket out=pf.Fan.connector.s3,saved partitions=2 replicas=1-2 retries=0 timeout=1500",
                "topic orders source 6 external",
                "topic pf.Fan.AlertPacket-SavePacket bond 2",
                "topic pf.Fan.ComputePacket-SavePacket bond 2",
                "topic pf.Fan.ValidatePacket-AlertPacket bond 6",
                "topic pf.Fan.ValidatePacket-ComputePacket bond 12",
                "topic pf.Fan.connector.s3 connector 2",
                "topic pf.Fan.dead-letter dead-letter 1",
                "topic saved sink 2 external",
                #"connector s3 pf.Fan.connector.s3 [(key: "bucket", value: "archive")]"#,
            ]),
    ]

    @Test("a valid molecule compiles to its plan", arguments: cases)
    func plans(_ testCase: Case) throws {
        let program = try LanguageFixtures.program("import \"packets.pf\"\n" + testCase.source)
        #expect(program.diagnostics.isEmpty)
        #expect(Self.outline(try program.plan()) == testCase.outline)
    }

    @Test("the larger example plans: fused stage, sources, connector, store and hint")
    func largerExample() throws {
        let program = try LanguageFixtures.program(LanguageFixtures.orderFulfilment)
        #expect(program.diagnostics.isEmpty)
        let plan = try program.plan()
        #expect(plan.stages.map(\.name) == ["ValidatePacket", "ComputePacket", "SavePacket", "AlertPacket", "CachePacket"])
        let compute = try #require(plan.stage(named: "ComputePacket"))
        #expect(compute.packets.map(\.name) == ["ComputePacket", "EnrichPacket", "FormatPacket"])
        #expect(compute.packets[1].handler == .exec("python3 enrich.py"))
        #expect(compute.packets[1].resources.memoryBytes == 536_870_912)
        #expect(compute.packets[1].cost == 2.5)
        #expect(compute.partitions == 24)
        #expect(compute.scaling == ScalingBounds(min: 1, max: 16))
        #expect(plan.stage(named: "SavePacket")?.retries == 1)
        #expect(plan.stage(named: "SavePacket")?.outputTopics == ["fulfilled", "pf.OrderFulfilment.connector.postgres"])
        #expect(plan.stage(named: "AlertPacket")?.inputTopics == ["alerts"])
        #expect(plan.stateStores.map(\.name) == ["pf.OrderFulfilment.state.CachePacket-SavePacket"])
        #expect(plan.placementHints == [PlacementHint(packets: ["SavePacket", "ValidatePacket"], stages: ["SavePacket", "ValidatePacket"])])
        #expect(plan.connectors.first?.options == ["table": "orders", "batch": "100"])
    }

    @Test("the plan's JSON (sorted keys) round-trips and is byte-for-byte stable")
    func jsonRoundTrip() throws {
        let plan = try LanguageFixtures.program(LanguageFixtures.orderFulfilment).plan()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(plan)
        #expect(try JSONDecoder().decode(TopologyPlan.self, from: data) == plan)
        let again = try encoder.encode(LanguageFixtures.program(LanguageFixtures.orderFulfilment).plan())
        #expect(again == data)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""handler":{"kind":"exec","value":"python3 enrich.py"}"#))
        #expect(text.contains(#""role":"dead-letter""#))
        #expect(text.hasSuffix(#""version":1}"#))
        // Durations stay whole milliseconds in the file.
        #expect(text.contains(#""timeout":30000"#))
        #expect(text.contains(#""fetchWait":100"#))
    }

    @Test("each stage carries its group's row: how it consumes, produces and what it checks")
    func behaviourFromThePeriodicTable() throws {
        let plan = try LanguageFixtures.program("""
            import "packets.pf"
            molecule Rows {
              composition: [ValidatePacket, ComputePacket, AlertPacket, ScalerPacket, CachePacket, VotePacket],
              bonds: [{ValidatePacket, ComputePacket, :ionic}],
            }
            """).plan()
        let behaviour = Dictionary(uniqueKeysWithValues: plan.stages.map { ($0.name, $0.behaviour) })
        #expect(behaviour["AlertPacket"]?.checksDeadlines == true)
        #expect(behaviour["AlertPacket"]?.latency == .low)
        #expect(behaviour["AlertPacket"]?.fetchWait == .milliseconds(5))
        #expect(behaviour["ComputePacket"]?.checksDeadlines == false)
        #expect(behaviour["ComputePacket"]?.maxBatch == 1_000)
        #expect(behaviour["ComputePacket"]?.linger == .milliseconds(10))
        #expect(behaviour["ScalerPacket"]?.reportsToReactor == true)
        #expect(behaviour["CachePacket"]?.guardsResources == true)
        #expect(plan.stages.filter(\.behaviour.reportsToReactor).map(\.name) == ["ScalerPacket"])
        #expect(plan.stages.filter(\.behaviour.guardsResources).map(\.name) == ["CachePacket"])
        #expect(plan.stages.filter { $0.collective != nil }.map(\.name) == ["VotePacket"])
    }

    @Test("the order of bonds does not change the plan")
    func bondOrderDoesNotMatter() throws {
        let forward = """
            import "packets.pf"
            molecule M { composition: [ValidatePacket, ComputePacket, SavePacket], bonds: [{ValidatePacket, ComputePacket, :ionic}, {ValidatePacket, SavePacket, :ionic}, {ComputePacket, SavePacket, :metallic}] }
            """
        let backward = """
            import "packets.pf"
            molecule M { composition: [ValidatePacket, ComputePacket, SavePacket], bonds: [{SavePacket, ComputePacket, :metallic}, {ValidatePacket, SavePacket, :ionic}, {ValidatePacket, ComputePacket, :ionic}] }
            """
        #expect(try LanguageFixtures.program(forward).plan() == LanguageFixtures.program(backward).plan())
    }

    @Test("an exec packet's instances reach its stage; an override replaces them; fewer than one is an error")
    func instances() throws {
        let program = try LanguageFixtures.program("""
            packet Shape { group: DF, handler: exec("python3 shape.py"), instances: 3 }
            packet Store { group: CF, handler: exec("python3 store.py") }
            molecule M { composition: [Shape, Store], bonds: [{Shape, Store, :ionic}], overrides: { Store: { instances: 2 } } }
            """)
        let plan = try program.plan()
        #expect(plan.stage(named: "Shape")?.packets.map(\.instances) == [3])
        #expect(plan.stage(named: "Store")?.packets.map(\.instances) == [2])
        let diagnostics = try LanguageFixtures.diagnostics(#"packet A { group: DF, handler: exec("a"), instances: 0 }"#)
        #expect(diagnostics.contains { $0.contains("instances") })
    }

    @Test("an existing source topic with fewer partitions is used as it is: its stage runs at most that many replicas, and a warning says so")
    func adoptsExistingTopics() throws {
        let plan = try LanguageFixtures.program("""
            packet Read { group: DF, handler: builtin("forward"), scale: { min: 1, max: 12 } }
            packet Keep { group: CF, handler: builtin("forward") }
            molecule M { composition: [Read, Keep], sources: [topic("sep-in")], bonds: [{Read, Keep, :ionic}] }
            """).plan()
        #expect(plan.topic(named: "sep-in")?.partitions == 12)
        let (adopted, warnings) = plan.adopting(partitions: ["sep-in": 4, "pf.M.Read-Keep": 2, "pf.M.output": 1])
        #expect(adopted.topic(named: "sep-in")?.partitions == 4)
        #expect(adopted.stage(named: "Read")?.partitions == 4)
        #expect(adopted.stage(named: "Read")?.scaling.max == 4)
        #expect(warnings == ["topic sep-in has 4 partitions, fewer than the 12 planned: used as it is; Read runs at most 4 replicas"])
        // Topics PacketFlow manages keep their plan (provisioning refuses them if smaller).
        #expect(adopted.topic(named: "pf.M.Read-Keep")?.partitions == plan.topic(named: "pf.M.Read-Keep")?.partitions)
        #expect(adopted.stage(named: "Keep") == plan.stage(named: "Keep"))
        #expect(plan.adopting(partitions: ["sep-in": 24]).plan == plan)
    }

    @Test("a file with several molecules plans the one asked for")
    func selectsMolecule() throws {
        let program = try LanguageFixtures.program("""
            import "packets.pf"
            molecule A { composition: [AlertPacket] }
            molecule B { composition: [SavePacket] }
            """)
        #expect(try program.plan(molecule: "B").molecule == "B")
        #expect(try program.plans().map(\.molecule) == ["A", "B"])
        let error = #expect(throws: LanguageError.self) { try program.plan() }
        #expect(error?.message == "main.pf declares 2 molecules (A, B); choose one with --molecule")
        let unknown = #expect(throws: LanguageError.self) { try program.plan(molecule: "C") }
        #expect(unknown?.code == .unknownMolecule)
    }
}
