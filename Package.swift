// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "PacketFlow",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "packetflow", targets: ["packetflow"]),
        .library(name: "PacketFlowCore", targets: ["PacketFlowCore"]),
        .library(name: "PacketFlowJSON", targets: ["PacketFlowJSON"]),
        .library(name: "PacketFlowKafka", targets: ["PacketFlowKafka"]),
        .library(name: "PacketFlowLanguage", targets: ["PacketFlowLanguage"]),
        .library(name: "PacketFlow", targets: ["PacketFlow"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // C libraries from Debian's -dev packages, found through pkg-config.
        .systemLibrary(
            name: "CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        .systemLibrary(
            name: "CJansson",
            pkgConfig: "jansson",
            providers: [.apt(["libjansson-dev"])]
        ),
        // glibc's allocator controls (`mallopt`), part of libc.
        .systemLibrary(name: "CMalloc"),

        // The model: packets, the six groups, molecules and bonds. Depends on nothing.
        .target(name: "PacketFlowCore"),

        // JSON over jansson: the data path's parser and serializer.
        .target(name: "PacketFlowJSON", dependencies: ["CJansson"]),

        // Every librdkafka call lives here; the public API speaks Swift types only.
        .target(
            name: "PacketFlowKafka",
            dependencies: [
                "CRdKafka",
                "PacketFlowCore",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // The embedded broker: librdkafka's mock cluster behind a stable bootstrap address.
        .target(
            name: "PacketFlowBroker",
            dependencies: [
                "PacketFlowKafka",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // A packet on the wire: Kafka records to packets and back, for every module that reads or writes them.
        .target(name: "PacketFlowWire", dependencies: ["PacketFlowCore", "PacketFlowKafka"]),

        // The molecule language: lexer, parser, checks, formatter and the topology plan. Pure.
        .target(name: "PacketFlowLanguage", dependencies: ["PacketFlowCore"]),

        // The worker runtime: runs a molecule stage over Kafka with its group's semantics.
        .target(
            name: "PacketFlowRuntime",
            dependencies: [
                "PacketFlowCore",
                "PacketFlowJSON",
                "PacketFlowKafka",
                "PacketFlowLanguage",
                "PacketFlowWire",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ]
        ),

        // What users import to write handlers and run workers from their own executables.
        .target(
            name: "PacketFlow",
            dependencies: [
                "PacketFlowCore",
                "PacketFlowJSON",
                "PacketFlowLanguage",
                "PacketFlowKafka",
                "PacketFlowRuntime",
                "PacketFlowWire",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // The reactor: deploys molecules, samples lag, autoscales stages and judges their health.
        .target(
            name: "PacketFlowReactor",
            dependencies: ["PacketFlowCore"]
        ),

        // The running reactor: registry, lag sampler, worker processes, HTTP API and metrics.
        .target(
            name: "PacketFlowReactorService",
            dependencies: [
                "PacketFlowCore",
                "PacketFlowJSON",
                "PacketFlowKafka",
                "PacketFlowLanguage",
                "PacketFlowReactor",
                "PacketFlowWire",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),

        // Beyond one machine: Kubernetes manifests and KEDA scalers generated from a plan.
        .target(
            name: "PacketFlowDeploy",
            dependencies: [
                "PacketFlowCore",
                "PacketFlowLanguage",
                "PacketFlowReactor",
                .product(name: "Yams", package: "Yams"),
            ]
        ),

        // Client-side work of the CLI and of users' programs: publishing events, reading packets.
        .target(
            name: "PacketFlowClient",
            dependencies: ["PacketFlowCore", "PacketFlowJSON", "PacketFlowKafka", "PacketFlowWire"]
        ),

        // Connectors (issue 8), each a module under connectors/: HTTP event ingest.
        .target(
            name: "PacketFlowHTTPIngest",
            dependencies: [
                "PacketFlowCore",
                "PacketFlowJSON",
                "PacketFlowKafka",
                "PacketFlowWire",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "connectors/HTTPIngest/Sources"
        ),
        .testTarget(
            name: "PacketFlowHTTPIngestTests",
            dependencies: [
                "PacketFlowHTTPIngest",
                "PacketFlowJSON",
                "PacketFlowKafka",
                "PacketFlowTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "connectors/HTTPIngest/Tests"
        ),

        // Dev mode (`packetflow dev`): the live terminal view, the load driver, the session.
        .target(
            name: "PacketFlowDev",
            dependencies: [
                "PacketFlowCore",
                "PacketFlowKafka",
                "PacketFlowLanguage",
                "PacketFlowReactorService",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // Connectors (issue 8): file and stdout sinks as stage handlers (rotating JSON-lines writer).
        .target(
            name: "PacketFlowFileConnectors",
            dependencies: ["PacketFlowCore", "PacketFlowRuntime"],
            path: "connectors/Files/Sources"
        ),
        .testTarget(
            name: "PacketFlowFileConnectorsTests",
            dependencies: ["PacketFlowFileConnectors", "PacketFlowCore", "PacketFlowRuntime", "PacketFlowLanguage", "PacketFlowTestSupport"],
            path: "connectors/Files/Tests"
        ),

        // Connectors (issue 8): the PostgreSQL sink, batched idempotent upserts of a connector topic.
        .target(
            name: "PacketFlowPostgres",
            dependencies: [
                "PacketFlowCore",
                "PacketFlowJSON",
                "PacketFlowRuntime",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "connectors/PostgreSQL/Sources"
        ),
        .testTarget(
            name: "PacketFlowPostgresTests",
            dependencies: [
                "PacketFlowPostgres",
                "PacketFlowCore",
                "PacketFlowKafka",
                "PacketFlowLanguage",
                "PacketFlowRuntime",
                "PacketFlowTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ],
            path: "connectors/PostgreSQL/Tests"
        ),

        // PostgreSQL sink benchmark (issue 8): rows/s of one-row statements against batches.
        // Run it with connectors/PostgreSQL/Benchmark/run.sh (release build, throwaway server).
        .executableTarget(
            name: "PostgresSinkBenchmark",
            dependencies: [
                "PacketFlowPostgres",
                "PacketFlowCore",
                "PacketFlowLanguage",
                "PacketFlowRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "connectors/PostgreSQL/Benchmark",
            exclude: ["run.sh"]
        ),

        // The command-line shell: parses arguments and runs the libraries' services.
        .executableTarget(
            name: "packetflow",
            dependencies: [
                "PacketFlow",
                "PacketFlowCore",
                "PacketFlowJSON",
                "PacketFlowKafka",
                "PacketFlowBroker",
                "PacketFlowLanguage",
                "PacketFlowClient",
                "PacketFlowRuntime",
                "PacketFlowDeploy",
                "PacketFlowReactorService",
                "PacketFlowHTTPIngest",
                "PacketFlowPostgres",
                "PacketFlowFileConnectors",
                "PacketFlowDev",
                "CMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),

        // Benchmark of the molecule language: check + plan of a generated 1,000-packet molecule.
        .executableTarget(name: "LanguageBenchmark", dependencies: ["PacketFlowLanguage"], path: "Benchmarks/language"),

        // Autoscaling simulation: one step-load trace through the reactor's autoscaler and KEDA's formula.
        .executableTarget(
            name: "AutoscalingSimulation",
            dependencies: ["PacketFlowReactor", "PacketFlowCore", "KEDAFormula"],
            path: "Benchmarks/autoscaling",
            exclude: ["plot.py", "results", "keda", "real"]
        ),
        // KEDA's Kafka scaler and the HPA as a formula, for the simulation and the real run.
        .target(name: "KEDAFormula", path: "Benchmarks/autoscaling/keda"),
        // The same step load on real workers: the reactor against a controller applying KEDA's
        // formula, starting and stopping the same worker processes. Benchmarks/autoscaling/real/run.sh.
        .executableTarget(
            name: "AutoscalingRealRun",
            dependencies: [
                "KEDAFormula", "PacketFlowBroker", "PacketFlowCore", "PacketFlowKafka", "PacketFlowLanguage",
                "PacketFlowReactor", "PacketFlowReactorService",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Benchmarks/autoscaling/real",
            exclude: ["run.sh", "plot.py"]
        ),

        // What the integration tests share: the embedded cluster, kcat, the CLI as a child process.
        .target(
            name: "PacketFlowTestSupport",
            dependencies: [
                "PacketFlowKafka",
                "PacketFlowBroker",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ]
        ),
        // Kafka client benchmark (issue 2): the Swift clients against librdkafka used from C.
        // Run it with Benchmarks/kafka/run.sh (release build, compiles baseline.c).
        .executableTarget(
            name: "KafkaBenchmark",
            dependencies: ["PacketFlowKafka"],
            path: "Benchmarks/kafka",
            exclude: ["baseline.c", "run.sh"]
        ),

        // Worker benchmark (issue 5): a passthrough DF stage against a librdkafka relay in C,
        // ED latency and worker memory. Run it with Benchmarks/worker/run.sh (release build).
        .executableTarget(
            name: "WorkerBenchmark",
            dependencies: [
                "PacketFlow",
                "PacketFlowBroker",
                "PacketFlowKafka",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ],
            path: "Benchmarks/worker",
            exclude: ["relay.c", "run.sh"]
        ),

        // Example: your own worker executable with Swift handlers (examples/worker/swift-handlers).
        .executableTarget(
            name: "ProcessingPipelineWorker",
            dependencies: ["PacketFlow", .product(name: "Logging", package: "swift-log")],
            path: "examples/worker/swift-handlers"
        ),

        .testTarget(name: "PacketFlowCoreTests", dependencies: ["PacketFlowCore"]),
        .testTarget(name: "PacketFlowJSONTests", dependencies: ["PacketFlowJSON"]),
        .testTarget(
            name: "PacketFlowKafkaTests",
            dependencies: [
                "PacketFlowKafka",
                "PacketFlowTestSupport",
                .product(name: "Subprocess", package: "swift-subprocess"),
            ]
        ),
        .testTarget(
            name: "PacketFlowBrokerTests",
            dependencies: [
                "PacketFlowBroker",
                "PacketFlowKafka",
                "PacketFlowTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ]
        ),
        .testTarget(
            name: "PacketFlowRuntimeTests",
            dependencies: ["PacketFlow", "PacketFlowRuntime", "PacketFlowBroker", "PacketFlowTestSupport"]
        ),
        .testTarget(
            name: "PacketFlowDeployTests",
            dependencies: [
                "PacketFlowDeploy",
                "PacketFlowLanguage",
                "PacketFlowReactor",
                "PacketFlowTestSupport",
                .product(name: "Subprocess", package: "swift-subprocess"),
            ]
        ),
        .testTarget(
            name: "PacketFlowReactorServiceTests",
            dependencies: [
                "PacketFlowReactorService",
                "PacketFlowBroker",
                "PacketFlowCore",
                "PacketFlowKafka",
                "PacketFlowLanguage",
                "PacketFlowReactor",
                "PacketFlowTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ]
        ),
        .testTarget(
            name: "PacketFlowDevTests",
            dependencies: [
                "PacketFlowDev",
                "PacketFlowReactorService",
                "PacketFlowTestSupport",
                .product(name: "Subprocess", package: "swift-subprocess"),
            ]
        ),
        .testTarget(name: "PacketFlowReactorTests", dependencies: ["PacketFlowReactor"]),
        .testTarget(name: "PacketFlowLanguageTests", dependencies: ["PacketFlowLanguage"]),
        .testTarget(
            name: "PacketFlowCLITests",
            dependencies: [
                "PacketFlowCore",
                "PacketFlowBroker",
                "PacketFlowClient",
                "PacketFlowJSON",
                "PacketFlowKafka",
                "PacketFlowTestSupport",
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
