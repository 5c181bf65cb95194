import Synchronization

/// The load rate and quit request the live view's keys change while dev mode runs.
///
/// Shared by the keyboard thread, the load driver and the view loop; a `Mutex` keeps it
/// consistent, so it is `Sendable` without further care.
public final class DevLoadControl: Sendable {
    private struct State {
        var rate: Double
        var quit = false
    }

    private let state: Mutex<State>
    /// The rate `l` switches the load on to.
    public let onRate: Double

    /// A control starting at `rate` events/s; `l` toggles between 0 and `onRate`.
    public init(rate: Double, onRate: Double) {
        self.state = Mutex(State(rate: rate))
        self.onRate = onRate
    }

    /// Events per second the load driver publishes now.
    public var rate: Double { state.withLock { $0.rate } }

    /// Whether the user asked to quit (`q`).
    public var quitRequested: Bool { state.withLock { $0.quit } }

    /// Applies a key: `l` toggles the load, `+`/`-` change it by half, `q` quits.
    public func press(_ key: UInt8) {
        state.withLock { state in
            switch key {
            case UInt8(ascii: "l"): state.rate = state.rate > 0 ? 0 : onRate
            case UInt8(ascii: "+"): state.rate = state.rate > 0 ? state.rate * 1.5 : onRate
            case UInt8(ascii: "-"): state.rate = state.rate * 2 / 3 < 1 ? 0 : state.rate * 2 / 3
            case UInt8(ascii: "q"): state.quit = true
            default: break
            }
        }
    }
}
