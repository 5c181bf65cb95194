import ArgumentParser
import Foundation
import Logging
import PacketFlowKafka

/// How a command reaches Kafka: the bootstrap address, TLS and SASL, and raw librdkafka properties.
///
/// Every property a client gets comes from, later ones winning: the `--config` file,
/// environment variables (`PACKETFLOW_SECURITY_PROTOCOL`, ...), the typed flags
/// (`--security-protocol`, ...), then `--property`. Passwords are never flags (they would
/// show in `ps`): they come from environment variables or the file. docs/operations.md lists
/// every flag and variable.
struct ConnectionOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Kafka bootstrap address. Default: $PACKETFLOW_BOOTSTRAP, else 127.0.0.1:9092 (packetflow broker).",
        valueName: "host:port"
    ))
    var bootstrap: String = ProcessInfo.processInfo.environment["PACKETFLOW_BOOTSTRAP"] ?? "127.0.0.1:9092"

    @Option(
        name: .customLong("property"),
        help: ArgumentHelp("A librdkafka property passed through as is. Repeatable.", valueName: "key=value")
    )
    var rawProperties: [String] = []

    @Option(
        name: .customLong("config"),
        help: ArgumentHelp(
            "A librdkafka properties file (key=value lines, like client.properties). Default: $PACKETFLOW_KAFKA_CONFIG.",
            valueName: "file"
        )
    )
    var configFile: String?

    @Option(help: ArgumentHelp(
        "plaintext, ssl, sasl_plaintext or sasl_ssl. Default: $PACKETFLOW_SECURITY_PROTOCOL, else plaintext.",
        valueName: "protocol"
    ))
    var securityProtocol: String?

    @Option(help: ArgumentHelp(
        "PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER or GSSAPI. Default: $PACKETFLOW_SASL_MECHANISM.",
        valueName: "mechanism"
    ))
    var saslMechanism: String?

    @Option(help: ArgumentHelp("The SASL user. Default: $PACKETFLOW_SASL_USERNAME.", valueName: "user"))
    var saslUsername: String?

    @Option(help: ArgumentHelp(
        "The environment variable holding the SASL password. Default: PACKETFLOW_SASL_PASSWORD.",
        valueName: "name"
    ))
    var saslPasswordEnv: String?

    @Option(help: ArgumentHelp(
        "CA certificate(s) of the brokers (PEM file), or probe. Default: $PACKETFLOW_SSL_CA_LOCATION.",
        valueName: "path"
    ))
    var sslCaLocation: String?

    @Option(help: ArgumentHelp(
        "Client certificate (PEM) for mutual TLS. Default: $PACKETFLOW_SSL_CERTIFICATE_LOCATION.",
        valueName: "path"
    ))
    var sslCertificateLocation: String?

    @Option(help: ArgumentHelp("Client private key (PEM) for mutual TLS. Default: $PACKETFLOW_SSL_KEY_LOCATION.", valueName: "path"))
    var sslKeyLocation: String?

    @Option(help: ArgumentHelp(
        "The environment variable holding the private key's passphrase. Default: PACKETFLOW_SSL_KEY_PASSWORD.",
        valueName: "name"
    ))
    var sslKeyPasswordEnv: String?

    @Option(help: ArgumentHelp(
        "Replicas of each topic created on a real cluster. Default: $PACKETFLOW_REPLICATION_FACTOR, else 1.",
        valueName: "n"
    ))
    var replicationFactor: Int = ProcessInfo.processInfo.environment["PACKETFLOW_REPLICATION_FACTOR"].flatMap { Int($0) } ?? 1

    @Option(
        name: .customLong("topic-config"),
        help: ArgumentHelp(
            "A config for every topic created on a real cluster, e.g. retention.ms=604800000. Repeatable. Default: $PACKETFLOW_TOPIC_CONFIG (comma-separated).",
            valueName: "key=value"
        )
    )
    var rawTopicConfigs: [String] = []

    /// Checks the topic configs as the arguments are parsed, so a command fails before it connects.
    func validate() throws {
        _ = try topicConfigs()
    }

    /// Topic configs from `--topic-config` or, without any, `$PACKETFLOW_TOPIC_CONFIG`; a
    /// malformed one is a validation error naming it.
    func topicConfigs(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> [String: String] {
        let entries = rawTopicConfigs.isEmpty
            ? (environment["PACKETFLOW_TOPIC_CONFIG"] ?? "").split(separator: ",").map(String.init)
            : rawTopicConfigs
        var configs: [String: String] = [:]
        for entry in entries {
            let text = entry.trimmingCharacters(in: .whitespaces)
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
                throw ValidationError("--topic-config \(text): expected key=value, e.g. retention.ms=604800000")
            }
            configs[String(text[..<equals])] = String(text[text.index(after: equals)...])
        }
        return configs
    }

    /// The provisioner every command creates its topics with: this cluster, its security
    /// properties, the replication factor and the topic configs of the flags.
    func topicProvisioner(logger: Logger) throws -> TopicProvisioner {
        TopicProvisioner(
            bootstrapServers: bootstrap, replicationFactor: replicationFactor, properties: try properties(),
            topicConfigs: try topicConfigs(), logger: logger)
    }

    /// Every librdkafka property for a client, from the file, environment, flags and
    /// `--property`; a malformed one is a validation error naming it.
    ///
    /// A `bootstrap.servers` line of the file is ignored: the address is ``bootstrap``, so
    /// clients and the topic provisioner reach the same cluster.
    func properties() throws -> [String: String] {
        try properties(environment: ProcessInfo.processInfo.environment)
    }

    /// ``properties()`` reading `environment` instead of the process's.
    func properties(environment: [String: String]) throws -> [String: String] {
        var raw: [String: String] = [:]
        for text in rawProperties {
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
                throw ValidationError("--property \(text): expected key=value")
            }
            raw[String(text[..<equals])] = String(text[text.index(after: equals)...])
        }
        guard replicationFactor >= 1 else {
            throw ValidationError("--replication-factor \(replicationFactor): must be at least 1")
        }
        var file = try fileProperties(environment: environment)
        file["bootstrap.servers"] = nil
        return KafkaSecurityConfiguration.resolve(
            file: file, environment: environment, flags: try flagSettings(environment: environment), raw: raw)
    }

    private func fileProperties(environment: [String: String]) throws -> [String: String] {
        guard let configFile = configFile ?? environment["PACKETFLOW_KAFKA_CONFIG"], !configFile.isEmpty else { return [:] }
        let text: String
        do {
            text = try String(contentsOfFile: configFile, encoding: .utf8)
        } catch {
            throw ValidationError("--config \(configFile): cannot read it (\(error.localizedDescription))")
        }
        return try KafkaSecurityConfiguration.parsePropertiesFile(text, name: configFile)
    }

    private func flagSettings(environment: [String: String]) throws -> KafkaSecurityConfiguration {
        func secret(from variable: String?, flag: String) throws -> String? {
            guard let variable else { return nil }
            guard let value = environment[variable], !value.isEmpty else {
                throw ValidationError("\(flag) \(variable): that environment variable is not set")
            }
            return value
        }
        return KafkaSecurityConfiguration(
            securityProtocol: securityProtocol, saslMechanism: saslMechanism, saslUsername: saslUsername,
            saslPassword: try secret(from: saslPasswordEnv, flag: "--sasl-password-env"),
            sslCALocation: sslCaLocation, sslCertificateLocation: sslCertificateLocation, sslKeyLocation: sslKeyLocation,
            sslKeyPassword: try secret(from: sslKeyPasswordEnv, flag: "--ssl-key-password-env"))
    }
}
