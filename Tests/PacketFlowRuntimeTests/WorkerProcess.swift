import PacketFlowTestSupport

extension PacketFlowProcess {
    /// `packetflow worker` for `stage` of `molecule`, logging warnings and worse.
    static func worker(
        molecule: String, stage: String, bootstrap: String, environment: [String: String] = [:]
    ) -> PacketFlowProcess {
        PacketFlowProcess(
            ["worker", "--molecule", molecule, "--stage", stage, "--bootstrap", bootstrap, "--log-level", "warning"],
            environment: environment)
    }
}
