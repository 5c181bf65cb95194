import Foundation

/// Reads single keys from a terminal for the live view and hands them to a ``DevLoadControl``.
///
/// ``start(control:)`` switches standard input to non-canonical, no-echo mode and reads on a
/// dedicated thread (a blocking `read` must not run on the cooperative pool); ``restore()``
/// puts the terminal back. The thread lives until the process exits: dev mode reads keys for
/// its whole life, and a thread blocked in `read` cannot be joined.
public final class DevKeyboard: @unchecked Sendable {
    // @unchecked: `saved` is written once in `start` before the thread starts, read in `restore`.
    private var saved = termios()

    private init() {}

    /// Starts reading keys when standard input is a terminal; nil otherwise.
    public static func start(control: DevLoadControl) -> DevKeyboard? {
        guard isatty(STDIN_FILENO) == 1 else { return nil }
        let keyboard = DevKeyboard()
        guard tcgetattr(STDIN_FILENO, &keyboard.saved) == 0 else { return nil }
        var raw = keyboard.saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        guard tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0 else { return nil }
        let thread = Thread {
            var byte: UInt8 = 0
            while read(STDIN_FILENO, &byte, 1) == 1 { control.press(byte) }
        }
        thread.name = "packetflow-dev-keys"
        thread.start()
        return keyboard
    }

    /// Puts the terminal back as it was.
    public func restore() {
        var saved = saved
        tcsetattr(STDIN_FILENO, TCSANOW, &saved)
    }
}
