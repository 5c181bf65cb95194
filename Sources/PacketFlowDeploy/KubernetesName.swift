/// Names as Kubernetes accepts them: DNS-1123 labels made from PacketFlow's names.
///
/// Packet and molecule names are identifiers (`ComputePacket`, `HTTPIngest_v2`); Kubernetes
/// object names, label values used as selectors and Service names must be DNS-1123 labels:
/// lower-case letters, digits and `-`, starting and ending with an alphanumeric, at most 63
/// characters. The mapping splits words at case changes and underscores and joins them with
/// `-`: `ComputePacket` → `compute-packet`, `HTTPIngest_v2` → `http-ingest-v2`,
/// `Stage2Packet` → `stage2-packet`. It depends on the name alone, so redeploying finds the
/// same objects. A name longer than 63 characters keeps its first 54 and ends with `-` and
/// 8 hex digits of a hash of the whole name, so long names stay distinct and stable.
public enum KubernetesName {
    /// The longest DNS-1123 label: 63 characters.
    public static let maximumLength = 63

    /// The DNS-1123 label for `name`, or `nil` when `name` has no letter or digit.
    public static func label(_ name: String) -> String? {
        let found = words(of: name)
        guard !found.isEmpty else { return nil }
        return fitted(found.joined(separator: "-"))
    }

    /// `parts`, each mapped by ``label(_:)``, joined with `-` and fitted to 63 characters.
    ///
    /// Used for object names that combine the molecule and the stage:
    /// `ProcessingPipeline` + `ComputePacket` → `processing-pipeline-compute-packet`.
    public static func joined(_ parts: [String]) -> String? {
        let all = parts.flatMap { words(of: $0) }
        guard !all.isEmpty else { return nil }
        return fitted(all.joined(separator: "-"))
    }

    /// Whether `text` already is a valid DNS-1123 label.
    public static func isValidLabel(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard let first = scalars.first, let last = scalars.last, scalars.count <= maximumLength else { return false }
        return isLowerAlphanumeric(first) && isLowerAlphanumeric(last)
            && scalars.allSatisfy { isLowerAlphanumeric($0) || $0 == "-" }
    }

    /// The lower-cased ASCII words of an identifier: split at `_`, at other punctuation and at
    /// case changes; digits stay with the word before them.
    static func words(of name: String) -> [String] {
        let scalars = Array(name.unicodeScalars)
        var words: [String] = []
        var current = ""
        for (index, scalar) in scalars.enumerated() {
            guard scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) else {
                if !current.isEmpty { words.append(current) }
                current = ""
                continue
            }
            if isUpper(scalar), !current.isEmpty {
                let previous = scalars[index - 1]
                let next = index + 1 < scalars.count ? scalars[index + 1] : nil
                // "computePacket": lower then upper starts a word; "HTTPIngest": the last
                // capital of an acronym followed by a lower-case letter starts one.
                if !isUpper(previous) || next.map(isLower) == true {
                    words.append(current)
                    current = ""
                }
            }
            current.unicodeScalars.append(contentsOf: String(scalar).lowercased().unicodeScalars)
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    private static func fitted(_ joined: String) -> String {
        guard joined.count > maximumLength else { return joined }
        let suffix = hexHash(joined)
        var head = String(joined.prefix(maximumLength - suffix.count - 1))
        while head.hasSuffix("-") { head.removeLast() }
        return head + "-" + suffix
    }

    /// 8 hex digits of the 32-bit FNV-1a hash of `text`: stable across runs and platforms.
    static func hexHash(_ text: String) -> String {
        var hash: UInt32 = 0x811c_9dc5
        for byte in text.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 0x0100_0193
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    private static func isUpper(_ scalar: Unicode.Scalar) -> Bool { ("A"..."Z").contains(scalar) }
    private static func isLower(_ scalar: Unicode.Scalar) -> Bool { ("a"..."z").contains(scalar) }
    private static func isLowerAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        isLower(scalar) || ("0"..."9").contains(scalar)
    }
}
