import PacketFlowDeploy
import Testing

@Suite("Kubernetes names from PacketFlow names")
struct KubernetesNameTests {
    @Test("Identifiers become DNS-1123 labels split at words", arguments: [
        ("ComputePacket", "compute-packet"),
        ("ProcessingPipeline", "processing-pipeline"),
        ("HTTPIngest_v2", "http-ingest-v2"),
        ("Stage2Packet", "stage2-packet"),
        ("save_packet", "save-packet"),
        ("ETL", "etl"),
        ("a", "a"),
        ("__Odd__Name__", "odd-name"),
    ])
    func label(name: String, expected: String) {
        #expect(KubernetesName.label(name) == expected)
        #expect(KubernetesName.isValidLabel(expected))
    }

    @Test("A name without letters or digits has no label")
    func noLabel() {
        #expect(KubernetesName.label("___") == nil)
    }

    @Test("Molecule and stage join into one object name")
    func joined() {
        #expect(KubernetesName.joined(["OrderFulfilment", "ComputePacket"]) == "order-fulfilment-compute-packet")
    }

    @Test("Long names are cut to 63 characters with a stable hash that keeps them apart")
    func longNames() throws {
        let first = try #require(KubernetesName.joined(["AVeryLongMoleculeNameForTestingPurposes", "AndAnEvenLongerStageNameNumberOne"]))
        let second = try #require(KubernetesName.joined(["AVeryLongMoleculeNameForTestingPurposes", "AndAnEvenLongerStageNameNumberTwo"]))
        #expect(first.count <= 63 && second.count <= 63)
        #expect(first != second)
        #expect(KubernetesName.isValidLabel(first) && KubernetesName.isValidLabel(second))
        #expect(first == KubernetesName.joined(["AVeryLongMoleculeNameForTestingPurposes", "AndAnEvenLongerStageNameNumberOne"]))
    }

    @Test("Validity follows DNS-1123", arguments: [
        ("compute-packet", true), ("Compute", false), ("-a", false), ("a-", false), ("a_b", false),
        (String(repeating: "a", count: 63), true), (String(repeating: "a", count: 64), false), ("", false),
    ])
    func validity(text: String, valid: Bool) {
        #expect(KubernetesName.isValidLabel(text) == valid)
    }
}
