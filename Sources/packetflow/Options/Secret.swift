import ArgumentParser
import Foundation

/// A secret given on the command line, in a file, or in the environment, in that order.
///
/// A file (or the environment) keeps the secret out of the process list, where any user of
/// the machine reads the command line of every process.
enum Secret {
    /// `flag`'s value, else the first line of the file `file` names, else `$variable`; nil
    /// when none is given. Throws a `ValidationError` naming the flag for both flags at once,
    /// an unreadable file and an empty one.
    static func read(flag: String?, file: String?, variable: String, flagName: String = "--token") throws -> String? {
        if let flag {
            guard file == nil else { throw ValidationError("\(flagName) and \(flagName)-file: give one of them") }
            return flag
        }
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("\(flagName)-file \(file): cannot read it")
            }
            let line = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first
            guard let secret = line?.trimmingCharacters(in: .whitespaces), !secret.isEmpty else {
                throw ValidationError("\(flagName)-file \(file): the file is empty")
            }
            return secret
        }
        return ProcessInfo.processInfo.environment[variable]
    }
}
