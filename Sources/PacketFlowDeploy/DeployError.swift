/// The one error type of PacketFlowDeploy.
///
/// Generation is pure, so every error is about the input: names that collide once made
/// DNS-safe, a plan or configuration Kubernetes would refuse, molecule files that cannot be
/// mounted. `description` is one line a user can act on; the command line prints it as is.
public struct DeployError: Error, CustomStringConvertible, Sendable, Hashable {
    /// What kind of failure happened.
    public enum Code: String, Sendable, Hashable {
        /// Two stages (or a stage and the molecule) map to the same Kubernetes name.
        case nameCollision = "name-collision"
        /// A name cannot become a DNS-1123 name at all (nothing alphanumeric in it).
        case invalidName = "invalid-name"
        /// A configuration value Kubernetes would reject (namespace, image, bounds).
        case invalidConfiguration = "invalid-configuration"
        /// The molecule's files cannot be laid out in one ConfigMap volume.
        case unmountableSources = "unmountable-sources"
        /// The manifests could not be written as YAML or to disk.
        case writeFailed = "write-failed"
    }

    /// What kind of failure happened.
    public let code: Code
    /// What happened and what to do about it.
    public let message: String

    /// Creates an error with a message a user can act on.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message, one line.
    public var description: String { message }
}
