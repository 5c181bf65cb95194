import Foundation
import PacketFlowKafka
import Testing

@Suite("TLS and SASL settings")
struct KafkaSecurityConfigurationTests {
    /// The system's CA bundle (Debian's ca-certificates), a real PEM file librdkafka can load.
    static let caBundle = "/etc/ssl/certs/ca-certificates.crt"

    @Test("librdkafka accepts valid TLS and SASL settings", arguments: [
        ["security.protocol": "sasl_ssl", "sasl.mechanism": "SCRAM-SHA-512", "sasl.username": "pf", "sasl.password": "s3cret",
         "ssl.ca.location": caBundle],
        ["security.protocol": "SASL_SSL", "sasl.mechanism": "PLAIN", "sasl.username": "pf", "sasl.password": "s3cret"],
        ["security.protocol": "sasl_plaintext", "sasl.mechanism": "SCRAM-SHA-256", "sasl.username": "pf", "sasl.password": "x"],
        ["security.protocol": "ssl", "ssl.ca.location": caBundle, "ssl.endpoint.identification.algorithm": "https"],
        ["security.protocol": "sasl_ssl", "sasl.mechanism": "OAUTHBEARER", "enable.sasl.oauthbearer.unsecure.jwt": "true",
         "sasl.oauthbearer.config": "principal=pf"],
        ["security.protocol": "plaintext"],
    ])
    func accepted(properties: [String: String]) throws {
        try KafkaSecurityConfiguration.check(properties)
    }

    @Test("librdkafka rejects invalid settings, naming what is wrong", arguments: [
        (["security.protocol": "sasl_ssl", "sasl.mechanism": "NOPE"], "NOPE"),
        (["security.protocol": "tls"], "security.protocol"),
        (["security.protocol": "ssl", "ssl.ca.location": "/nonexistent/ca.pem"], "ssl.ca.location"),
        (["security.protocol": "ssl", "ssl.certificate.location": "/nonexistent/client.pem", "ssl.key.location": "/nonexistent/client.key"],
         "ssl"),
        (["sasl.passwrod": "typo"], "sasl.passwrod"),
    ])
    func rejected(properties: [String: String], mentioned: String) {
        let error = #expect(throws: KafkaError.self) { try KafkaSecurityConfiguration.check(properties) }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message.contains(mentioned) == true, "\(error?.message ?? "")")
    }

    @Test("A rejected configuration's error never shows a secret")
    func rejectionRedacts() {
        let properties = [
            "security.protocol": "sasl_ssl", "sasl.mechanism": "NOPE", "sasl.username": "pf",
            "sasl.password": "hunter2-very-secret", "ssl.key.password": "another-secret",
        ]
        let error = #expect(throws: KafkaError.self) { try KafkaSecurityConfiguration.check(properties) }
        #expect(error.map { !$0.description.contains("hunter2") && !$0.description.contains("another-secret") } == true)
    }

    @Test("Secret properties are redacted in every printed configuration", arguments: [
        "sasl.password", "ssl.key.password", "ssl.keystore.password", "sasl.oauthbearer.client.secret",
        "ssl.key.pem", "sasl.oauthbearer.config", "sasl.jaas.config", "some.future.password",
    ])
    func redacted(key: String) {
        let properties = [key: "s3cret-value", "sasl.username": "pf", "security.protocol": "sasl_ssl"]
        #expect(KafkaSecurityConfiguration.isSecret(key))
        #expect(KafkaSecurityConfiguration.redacted(properties)[key] == "[redacted]")
        #expect(KafkaSecurityConfiguration.redacted(properties)["sasl.username"] == "pf")
        let printed = KafkaSecurityConfiguration.describe(properties)
        #expect(!printed.contains("s3cret-value"))
        #expect(printed.contains("\(key)=[redacted]"))
        #expect(printed.contains("sasl.username=pf"))
    }

    @Test("Settings that are not secret are printed as they are", arguments: [
        "sasl.username", "sasl.mechanism", "security.protocol", "ssl.ca.location", "ssl.key.location",
        "sasl.oauthbearer.token.endpoint.url",
    ])
    func notSecret(key: String) {
        #expect(!KafkaSecurityConfiguration.isSecret(key))
    }

    @Test("A configuration's description redacts its passwords")
    func description() {
        let configuration = KafkaSecurityConfiguration(
            securityProtocol: "sasl_ssl", saslMechanism: "PLAIN", saslUsername: "pf", saslPassword: "hunter2",
            sslKeyPassword: "pass-phrase")
        #expect(configuration.description == """
            sasl.mechanism=PLAIN
            sasl.password=[redacted]
            sasl.username=pf
            security.protocol=sasl_ssl
            ssl.key.password=[redacted]
            """)
        #expect(!"\(configuration)".contains("hunter2"))
    }

    @Test("Environment variables map to librdkafka properties")
    func environment() {
        let configuration = KafkaSecurityConfiguration(environment: [
            "PACKETFLOW_SECURITY_PROTOCOL": "sasl_ssl",
            "PACKETFLOW_SASL_MECHANISM": "SCRAM-SHA-512",
            "PACKETFLOW_SASL_USERNAME": "pf",
            "PACKETFLOW_SASL_PASSWORD": "s3cret",
            "PACKETFLOW_SSL_CA_LOCATION": "/etc/kafka/ca.pem",
            "PACKETFLOW_SSL_KEY_PASSWORD": "",
            "UNRELATED": "x",
        ])
        #expect(configuration.properties == [
            "security.protocol": "sasl_ssl", "sasl.mechanism": "SCRAM-SHA-512", "sasl.username": "pf",
            "sasl.password": "s3cret", "ssl.ca.location": "/etc/kafka/ca.pem",
        ])
    }

    @Test("Precedence: file < environment < flags < --property")
    func precedence() {
        let resolved = KafkaSecurityConfiguration.resolve(
            file: ["security.protocol": "ssl", "sasl.username": "from-file", "sasl.mechanism": "PLAIN", "socket.timeout.ms": "1000"],
            environment: ["PACKETFLOW_SASL_USERNAME": "from-env", "PACKETFLOW_SASL_MECHANISM": "SCRAM-SHA-256"],
            flags: KafkaSecurityConfiguration(saslMechanism: "SCRAM-SHA-512"),
            raw: ["socket.timeout.ms": "2000"])
        #expect(resolved == [
            "security.protocol": "ssl", "sasl.username": "from-env", "sasl.mechanism": "SCRAM-SHA-512", "socket.timeout.ms": "2000",
        ])
    }

    @Test("A properties file: comments, blank lines, spaces, = in values")
    func propertiesFile() throws {
        let text = """
            # Kafka client settings
            ! also a comment
            security.protocol = SASL_SSL
            sasl.mechanism=SCRAM-SHA-512\r
               sasl.username=pf

            sasl.password=a=b=c
            """
        #expect(try KafkaSecurityConfiguration.parsePropertiesFile(text, name: "client.properties") == [
            "security.protocol": "SASL_SSL", "sasl.mechanism": "SCRAM-SHA-512", "sasl.username": "pf", "sasl.password": "a=b=c",
        ])
    }

    @Test("A malformed properties line is an error naming the line, not its content")
    func malformedFile() {
        let error = #expect(throws: KafkaError.self) {
            try KafkaSecurityConfiguration.parsePropertiesFile("security.protocol=ssl\nhunter2\n", name: "client.properties")
        }
        #expect(error?.message.contains("client.properties:2") == true)
        #expect(error?.message.contains("hunter2") == false)
    }

    @Test("Settings from a file reach a real client, which rejects a bad one")
    func fileReachesClient() throws {
        let good = try KafkaSecurityConfiguration.parsePropertiesFile(
            "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-256\nsasl.username=pf\nsasl.password=x\n", name: "good")
        var producer = KafkaProducerConfiguration(bootstrapServers: "127.0.0.1:9")
        producer.properties = good
        producer.properties["log_level"] = "0"  // no broker listens there; keep the connect errors quiet
        _ = try KafkaProducer(configuration: producer)
        producer.properties["sasl.mechanism"] = "NOPE"
        #expect(throws: KafkaError.self) { try KafkaProducer(configuration: producer) }
    }
}
