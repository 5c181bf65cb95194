import PacketFlowDeploy
import Testing

@Suite("Resource quantities")
struct ResourceQuantityTests {
    @Test("CPU in cores or millicores, rounded up", arguments: [
        (0.5, "500m"), (1.0, "1"), (1.5, "1500m"), (2.0, "2"), (0.25, "250m"), (0.0001, "1m"), (0.0015, "2m"),
    ])
    func cpu(cores: Double, expected: String) {
        #expect(ResourceQuantity.cpu(cores) == expected)
    }

    @Test("Memory in the largest unit that divides it", arguments: [
        (Int64(268_435_456), "256Mi"), (1 << 30, "1Gi"), (805_306_368, "768Mi"), (1_000_000_000, "1G"),
        (1_500_000, "1500k"), (1_536, "1536"), (2_048, "2Ki"), (1, "1"),
    ] as [(Int64, String)])
    func memory(bytes: Int64, expected: String) {
        #expect(ResourceQuantity.memory(bytes) == expected)
    }
}
