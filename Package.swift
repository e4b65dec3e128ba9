// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "crier",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "crier", targets: ["crier"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
    ],
    targets: [
        // Values and pure logic: config, cron, triggers, rendering, plan. No file, socket or clock.
        .target(
            name: "CrierCore",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // SQLite through GRDB: the snapshot row source, the ledger store and its migrations.
        .target(
            name: "CrierSQLite",
            dependencies: [
                "CrierCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                "CZlib",
                "CZstd",
            ],
            swiftSettings: swiftSettings
        ),
        // zstd: the ledger stores each message's payload compressed; zlib: as ledgers before
        // `v10-zstd-payloads` stored them.
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // `crier sample`: realistic sample snapshots of the reference schema, for demos and benchmarks.
        .target(
            name: "CrierSample",
            dependencies: ["CrierCore", "CrierSQLite", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        // libcurl, through typed wrappers of its variadic setopt / getinfo.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // Cairo + Pango: PDF attachments laid out on A4 pages.
        .systemLibrary(name: "CPangoCairo", pkgConfig: "pangocairo", providers: [.apt(["libcairo2-dev", "libpango1.0-dev"])]),
        // Transports: outbox files, SMTP and the HTTP SMS gateway over libcurl; attachments.
        .target(
            name: "CrierDelivery",
            dependencies: ["CrierCore", "CCurl", "CPangoCairo", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // libpq, PostgreSQL's C client (blocking calls, standard connection strings and URLs).
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // The PostgreSQL ledger: several hosts share one ledger.
        .target(
            name: "CrierPostgres",
            dependencies: ["CrierCore", "CLibPQ"],
            swiftSettings: swiftSettings
        ),
        // The command-line tool: one small file per command.
        .executableTarget(
            name: "crier",
            dependencies: [
                "CrierCore", "CrierSQLite", "CrierDelivery", "CrierPostgres", "CrierSample",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Code the tests share: fixture servers (Fixtures/), config repositories that run the
        // built binary, golden files (Golden/), the ledger conformance suite. Used only by tests.
        .target(
            name: "CrierTestSupport",
            dependencies: ["CrierCore", "CrierSQLite", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Tests/CrierTestSupport",
            exclude: ["Fixtures", "Golden"], swiftSettings: swiftSettings),
        .testTarget(name: "CrierCoreTests", dependencies: ["CrierCore", "CrierTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "CrierSQLiteTests", dependencies: ["CrierSQLite", "CrierCore", "CrierTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "CrierSampleTests", dependencies: ["CrierSample", "CrierSQLite", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "CrierDeliveryTests", dependencies: ["CrierDelivery", "CrierCore", "CrierSQLite", "CrierTestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(name: "CrierPostgresTests", dependencies: ["CrierPostgres", "CrierCore", "CrierTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "CrierEndToEndTests",
            dependencies: ["crier", "CrierSQLite", "CrierCore", "CrierPostgres", "CrierTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings),
    ]
)
