/// What one packet needs to run: CPU and memory.
///
/// Deployment turns these into resource requests; the reactor reads them when it places work.
public struct ResourceRequirements: Sendable, Hashable, Codable {
    /// CPU in cores (0.5 is half a core).
    public var cpu: Double?
    /// Memory in bytes.
    public var memoryBytes: Int64?

    /// Creates requirements; `nil` means "not declared".
    public init(cpu: Double? = nil, memoryBytes: Int64? = nil) {
        self.cpu = cpu
        self.memoryBytes = memoryBytes
    }

    /// True when neither CPU nor memory is declared.
    public var isEmpty: Bool { cpu == nil && memoryBytes == nil }
}
