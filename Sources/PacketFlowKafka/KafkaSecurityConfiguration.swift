import CRdKafka

/// How a client authenticates to a real Kafka cluster and encrypts its traffic: TLS and SASL.
///
/// The typed fields map to librdkafka properties (``properties``); every `nil` field is left
/// out, so librdkafka's defaults apply (`security.protocol=plaintext`). The settings reach
/// a client through the `properties` pass-through of `KafkaProducerConfiguration`,
/// `KafkaConsumerConfiguration` and `KafkaTopicAdmin`.
///
/// Settings come from four places, later ones winning per property (``resolve(file:environment:flags:raw:)``):
/// 1. a librdkafka properties file (``parsePropertiesFile(_:name:)``, like Kafka's `client.properties`);
/// 2. environment variables (``environmentVariables``: `PACKETFLOW_SECURITY_PROTOCOL`, ...);
/// 3. typed command-line flags (`--security-protocol`, ...);
/// 4. raw `--property key=value` flags.
///
/// Secrets (``isSecret(_:)``) never appear in text this type makes: ``description``,
/// ``describe(_:)`` and the errors of ``check(_:)`` show `[redacted]` instead. Print any other
/// configuration through ``redacted(_:)``.
public struct KafkaSecurityConfiguration: Sendable, Hashable, CustomStringConvertible {
    /// What stands in for a secret value in printed text: `[redacted]`.
    public static let redaction = "[redacted]"

    /// `security.protocol`: `plaintext`, `ssl`, `sasl_plaintext` or `sasl_ssl` (any case).
    public var securityProtocol: String?
    /// `sasl.mechanism`: `PLAIN`, `SCRAM-SHA-256`, `SCRAM-SHA-512`, `OAUTHBEARER` or `GSSAPI`.
    public var saslMechanism: String?
    /// `sasl.username`.
    public var saslUsername: String?
    /// `sasl.password`: a secret.
    public var saslPassword: String?
    /// `ssl.ca.location`: the CA certificate(s) that signed the brokers' certificates (PEM file
    /// or folder), or `probe` for the system's usual locations.
    public var sslCALocation: String?
    /// `ssl.certificate.location`: the client's certificate (PEM) for mutual TLS.
    public var sslCertificateLocation: String?
    /// `ssl.key.location`: the client's private key (PEM) for mutual TLS.
    public var sslKeyLocation: String?
    /// `ssl.key.password`: the private key's passphrase; a secret.
    public var sslKeyPassword: String?

    /// Creates a configuration; every field not given stays unset.
    public init(
        securityProtocol: String? = nil, saslMechanism: String? = nil, saslUsername: String? = nil,
        saslPassword: String? = nil, sslCALocation: String? = nil, sslCertificateLocation: String? = nil,
        sslKeyLocation: String? = nil, sslKeyPassword: String? = nil
    ) {
        self.securityProtocol = securityProtocol
        self.saslMechanism = saslMechanism
        self.saslUsername = saslUsername
        self.saslPassword = saslPassword
        self.sslCALocation = sslCALocation
        self.sslCertificateLocation = sslCertificateLocation
        self.sslKeyLocation = sslKeyLocation
        self.sslKeyPassword = sslKeyPassword
    }

    /// The environment variables read by ``init(environment:)`` and the property each sets.
    ///
    /// Kubernetes pods get them from the ConfigMap `packetflow-kafka` and the Secret
    /// `packetflow-kafka-credentials`. An empty variable counts as unset.
    public static let environmentVariables: [(name: String, property: String)] = [
        ("PACKETFLOW_SECURITY_PROTOCOL", "security.protocol"),
        ("PACKETFLOW_SASL_MECHANISM", "sasl.mechanism"),
        ("PACKETFLOW_SASL_USERNAME", "sasl.username"),
        ("PACKETFLOW_SASL_PASSWORD", "sasl.password"),
        ("PACKETFLOW_SSL_CA_LOCATION", "ssl.ca.location"),
        ("PACKETFLOW_SSL_CERTIFICATE_LOCATION", "ssl.certificate.location"),
        ("PACKETFLOW_SSL_KEY_LOCATION", "ssl.key.location"),
        ("PACKETFLOW_SSL_KEY_PASSWORD", "ssl.key.password"),
    ]

    /// The settings named by ``environmentVariables`` in `environment`.
    public init(environment: [String: String]) {
        self.init()
        for (name, property) in Self.environmentVariables {
            if let value = environment[name], !value.isEmpty { self[property] = value }
        }
    }

    /// The typed fields as librdkafka properties; unset fields are left out.
    public var properties: [String: String] {
        var properties: [String: String] = [:]
        for (_, property) in Self.environmentVariables {
            if let value = self[property] { properties[property] = value }
        }
        return properties
    }

    /// These settings with every field `overrides` sets taking precedence.
    public func overridden(by overrides: KafkaSecurityConfiguration) -> KafkaSecurityConfiguration {
        var merged = self
        for (property, value) in overrides.properties { merged[property] = value }
        return merged
    }

    /// The settings as `key=value` lines, sorted, secrets redacted.
    public var description: String { Self.describe(properties) }

    private subscript(property: String) -> String? {
        get {
            switch property {
            case "security.protocol": securityProtocol
            case "sasl.mechanism": saslMechanism
            case "sasl.username": saslUsername
            case "sasl.password": saslPassword
            case "ssl.ca.location": sslCALocation
            case "ssl.certificate.location": sslCertificateLocation
            case "ssl.key.location": sslKeyLocation
            case "ssl.key.password": sslKeyPassword
            default: nil
            }
        }
        set {
            switch property {
            case "security.protocol": securityProtocol = newValue
            case "sasl.mechanism": saslMechanism = newValue
            case "sasl.username": saslUsername = newValue
            case "sasl.password": saslPassword = newValue
            case "ssl.ca.location": sslCALocation = newValue
            case "ssl.certificate.location": sslCertificateLocation = newValue
            case "ssl.key.location": sslKeyLocation = newValue
            case "ssl.key.password": sslKeyPassword = newValue
            default: break
            }
        }
    }
}

// MARK: - Where settings come from

extension KafkaSecurityConfiguration {
    /// The properties a client gets from all four sources, later ones winning per property:
    /// `file` (a properties file), `environment` (``environmentVariables``), `flags` (typed
    /// command-line flags), `raw` (`--property key=value`).
    public static func resolve(
        file: [String: String] = [:], environment: [String: String] = [:],
        flags: KafkaSecurityConfiguration = KafkaSecurityConfiguration(), raw: [String: String] = [:]
    ) -> [String: String] {
        var properties = file
        properties.merge(KafkaSecurityConfiguration(environment: environment).overridden(by: flags).properties) { _, new in new }
        properties.merge(raw) { _, new in new }
        return properties
    }

    /// The properties of a librdkafka properties file: `key=value` lines.
    ///
    /// Blank lines and lines starting with `#` or `!` are ignored; spaces around keys and
    /// values are trimmed; the value is everything after the first `=`. Keys are librdkafka's
    /// (https://github.com/confluentinc/librdkafka/blob/master/CONFIGURATION.md), which match
    /// the Java client's for TLS and SASL except JAAS and keystores. `name` is the file's path
    /// for messages. Throws `KafkaError` naming the line of a line without `=`; the message
    /// never shows the line itself, which may hold a secret.
    public static func parsePropertiesFile(_ text: String, name: String) throws(KafkaError) -> [String: String] {
        var properties: [String: String] = [:]
        // isNewline splits at "\n" and at "\r\n", which Swift holds as one Character.
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let trimmed = line.trimmingSpaces()
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix("!") { continue }
            guard let equals = trimmed.firstIndex(of: "="), equals != trimmed.startIndex else {
                throw KafkaError(
                    code: .invalidConfiguration,
                    message: "\(name):\(index + 1): expected key=value (a librdkafka property)")
            }
            properties[String(trimmed[..<equals]).trimmingSpaces()] = String(trimmed[trimmed.index(after: equals)...]).trimmingSpaces()
        }
        return properties
    }
}

// MARK: - Redaction

extension KafkaSecurityConfiguration {
    /// librdkafka properties whose values are secrets.
    public static let secretProperties: Set<String> = [
        "sasl.password",
        "ssl.key.password",
        "ssl.key.pem",
        "ssl_key",
        "ssl.keystore.password",
        "sasl.oauthbearer.client.secret",
        "sasl.oauthbearer.config",
        "sasl.kerberos.keytab",
    ]

    /// Whether the value of `key` is a secret: one of ``secretProperties``, or any key that
    /// names a password, secret, credential or JAAS configuration (so properties added to
    /// librdkafka later stay hidden too).
    public static func isSecret(_ key: String) -> Bool {
        let lowered = key.lowercased()
        return secretProperties.contains(lowered)
            || ["password", "secret", "credential", "jaas"].contains { lowered.contains($0) }
    }

    /// `properties` with every secret value replaced by ``redaction``.
    public static func redacted(_ properties: [String: String]) -> [String: String] {
        properties.reduce(into: [:]) { result, property in
            result[property.key] = isSecret(property.key) ? redaction : property.value
        }
    }

    /// `properties` as sorted `key=value` lines, secrets redacted: how configurations are printed.
    public static func describe(_ properties: [String: String]) -> String {
        redacted(properties).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\n")
    }

    /// `text` with every secret value of `properties` replaced by ``redaction``.
    public static func redacting(_ text: String, secretsOf properties: [String: String]) -> String {
        var text = text
        for (key, value) in properties where isSecret(key) && !value.isEmpty {
            text = text.replacing(value, with: redaction)
        }
        return text
    }
}

// MARK: - Checking with librdkafka

extension KafkaSecurityConfiguration {
    /// Checks that librdkafka accepts `properties` by building a client from them.
    ///
    /// Connects to nothing (no `bootstrap.servers` is set; any given is left out), so it needs
    /// no broker: it catches unknown properties, bad values (`security.protocol=tls`),
    /// mechanisms librdkafka does not support (`sasl.mechanism=NOPE`) and unreadable
    /// certificate or key files. Throws `KafkaError` (`invalidConfiguration`) with librdkafka's
    /// reason; secret values never appear in the message.
    public static func check(_ properties: [String: String]) throws(KafkaError) {
        let settings = properties.filter { $0.key != "bootstrap.servers" }.sorted { $0.key < $1.key }
        do {
            // Level 0 keeps librdkafka's own log lines off stderr: the reason comes back in the error.
            _ = try RdKafkaClient.make(type: RD_KAFKA_PRODUCER, properties: [("log_level", "0")] + settings.map { ($0.key, $0.value) })
        } catch {
            throw KafkaError(code: error.code, message: redacting(error.message, secretsOf: properties))
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and carriage returns.
    fileprivate func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
