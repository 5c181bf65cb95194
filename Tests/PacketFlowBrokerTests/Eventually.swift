/// Polls `condition` until it holds or `timeout` passes; returns whether it held.
///
/// The pause between polls only spaces the attempts out; the condition decides.
func eventually(
    within timeout: Duration = .seconds(15),
    _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if try await condition() {
            return true
        }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}
