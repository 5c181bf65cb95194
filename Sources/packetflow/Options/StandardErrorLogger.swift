import ArgumentParser
import Logging

/// The logger of a long-running command: lines on standard error at the `--log-level` given.
///
/// Throws a `ValidationError` naming the levels when `level` is not one of them.
func standardErrorLogger(label: String, level: String) throws -> Logger {
    guard let parsed = Logger.Level(rawValue: level) else {
        throw ValidationError("invalid log level '\(level)': use trace, debug, info, notice, warning, error or critical")
    }
    var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
    logger.logLevel = parsed
    return logger
}
