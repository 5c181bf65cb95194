import PacketFlowCore
import PacketFlowLanguage
import Testing

@Suite("The concept's example checks and plans as written")
struct ConceptExampleTests {
    @Test("the concept's molecule, with its packets imported, has no diagnostics")
    func checksWithoutChange() throws {
        let program = try LanguageFixtures.program("import \"packets.pf\"\n" + LanguageFixtures.conceptMolecule)
        #expect(program.diagnostics.isEmpty)
        #expect(program.rootMolecules.map(\.name) == ["ProcessingPipeline"])
        #expect(program.rootMolecules[0].composition.map(\.name) == ["ValidatePacket", "ComputePacket", "SavePacket"])
        #expect(program.rootMolecules[0].bonds.map(\.kind) == [.ionic, .ionic])
    }

    @Test("its plan: three stages joined by two bond topics, sized by the destination's group")
    func plans() throws {
        let program = try LanguageFixtures.program("import \"packets.pf\"\n" + LanguageFixtures.conceptMolecule)
        let plan = try program.plan()
        #expect(plan.molecule == "ProcessingPipeline")
        #expect(plan.stages.map(\.name) == ["ValidatePacket", "ComputePacket", "SavePacket"])
        #expect(plan.stages.map(\.group) == [.controlFlow, .dataFlow, .controlFlow])
        #expect(plan.stages.map(\.consumerGroup) == [
            "pf.ProcessingPipeline.ValidatePacket", "pf.ProcessingPipeline.ComputePacket",
            "pf.ProcessingPipeline.SavePacket",
        ])
        #expect(plan.topics.map(\.name) == [
            "pf.ProcessingPipeline.ComputePacket-SavePacket",
            "pf.ProcessingPipeline.ValidatePacket-ComputePacket",
            "pf.ProcessingPipeline.dead-letter",
            "pf.ProcessingPipeline.input",
            "pf.ProcessingPipeline.output",
        ])
        // Into ComputePacket (DF): 12 partitions; into SavePacket (CF): 6.
        #expect(plan.topic(named: "pf.ProcessingPipeline.ValidatePacket-ComputePacket")?.partitions == 12)
        #expect(plan.topic(named: "pf.ProcessingPipeline.ComputePacket-SavePacket")?.partitions == 6)
        let compute = try #require(plan.stage(named: "ComputePacket"))
        #expect(compute.inputTopics == ["pf.ProcessingPipeline.ValidatePacket-ComputePacket"])
        #expect(compute.outputTopics == ["pf.ProcessingPipeline.ComputePacket-SavePacket"])
        #expect(compute.concurrency == PacketGroup.dataFlow.properties.concurrencyPerWorker)
        #expect(compute.placement == .parallelPool)
        #expect(compute.ordering == .parallel)
        #expect(plan.stage(named: "ValidatePacket")?.placement == .sequentialNode)
        #expect(plan.deadLetterTopic == "pf.ProcessingPipeline.dead-letter")
    }

    @Test("examples/processing-pipeline.pf holds the concept's molecule verbatim and checks")
    func exampleFile() throws {
        let path = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        let example = try FileSystemSourceLoader().load("/" + path + "/examples/processing-pipeline.pf")
        let molecule = LanguageFixtures.conceptMolecule.split(separator: "\n").map { $0.trimmingTrailingSpaces }
        let lines = example.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingTrailingSpaces }
        let start = try #require(lines.firstIndex(of: molecule[0]))
        #expect(Array(lines[start..<(start + molecule.count)]) == molecule)
        #expect(MoleculeProgram.parse(example).diagnostics.isEmpty)
    }

    @Test("the larger example imports the first from disk, checks, plans and is formatted")
    func largerExampleFile() throws {
        let examples = "/" + #filePath.split(separator: "/").dropLast(3).joined(separator: "/") + "/examples"
        let program = try MoleculeProgram.load(path: examples + "/order-fulfilment.pf", loader: FileSystemSourceLoader())
        #expect(program.diagnostics.isEmpty)
        #expect(program.sources.map { $0.name.split(separator: "/").last! } == ["order-fulfilment.pf", "processing-pipeline.pf"])
        let plan = try program.plan()
        #expect(plan.stages.map(\.name) == ["ValidatePacket", "ComputePacket", "SavePacket", "AlertPacket", "CachePacket"])
        let text = program.sources[0].text
        #expect(try MoleculeFormatter.format(text) == text)
    }
}

extension Substring {
    /// The text without trailing spaces (the concept's text has some; editors strip them).
    fileprivate var trimmingTrailingSpaces: String {
        var text = String(self)
        while text.last == " " { text.removeLast() }
        return text
    }
}
