import PacketFlowDeploy
import Testing

@Suite("Manifest YAML")
struct ManifestYAMLTests {
    @Test("Strings YAML would read as another type are quoted", arguments: [
        "1", "0.5", "true", "false", "yes", "on", "null", "~", "",
    ])
    func quoted(text: String) throws {
        let value: ManifestValue = ["key": .string(text)]
        #expect(try value.yaml() == "key: \"\(text)\"\n")
    }

    @Test("Plain strings, numbers and booleans are written plain, keys in written order")
    func plain() throws {
        let value: ManifestValue = ["zeta": "compute-packet", "alpha": 3, "mid": true, "list": ["a", 1]]
        #expect(try value.yaml() == """
            zeta: compute-packet
            alpha: 3
            mid: true
            list:
            - a
            - 1

            """)
    }

    @Test("Multi-line strings are literal blocks, kept exactly")
    func literalBlock() throws {
        let value: ManifestValue = ["data": ["main.pf": "packet A { group: CF }\nmolecule M { composition: [A] }\n"]]
        #expect(try value.yaml() == """
            data:
              main.pf: |
                packet A { group: CF }
                molecule M { composition: [A] }

            """)
    }

    @Test("A stream separates documents with ---")
    func stream() throws {
        let manifests = [
            KubernetesManifest(apiVersion: "v1", kind: "ConfigMap", name: "a", value: ["kind": "ConfigMap"]),
            KubernetesManifest(apiVersion: "v1", kind: "ConfigMap", name: "b", value: ["kind": "ConfigMap"]),
        ]
        #expect(try KubernetesManifest.yamlStream(manifests) == "kind: ConfigMap\n---\nkind: ConfigMap\n")
        #expect(manifests[0].fileName == "a.configmap.yaml")
    }
}
