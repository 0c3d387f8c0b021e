// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "Cartera",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cartera", targets: ["cartera"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.30.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.26.0"),
    ],
    targets: [
        .target(name: "CarteraCore", dependencies: []),
        .target(name: "CarteraStore", dependencies: [
            "CarteraCore",
            .product(name: "SQLKit", package: "sql-kit"),
            .product(name: "SQLiteKit", package: "sqlite-kit"),
            .product(name: "PostgresKit", package: "postgres-kit"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "CarteraWeb", dependencies: [
            "CarteraCore", "CarteraStore", "CarteraIO", "CarteraJobs",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "MultipartKit", package: "multipart-kit"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Crypto", package: "swift-crypto"),
        ], resources: [.copy("Resources")]),
        .systemLibrary(name: "CarteraZlib"),
        .target(name: "CarteraIO", dependencies: [
            "CarteraCore", "CarteraZlib",
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ]),
        .target(name: "CarteraJobs", dependencies: [
            "CarteraCore", "CarteraStore", "CarteraIO",
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "cartera", dependencies: [
            "CarteraCore", "CarteraStore", "CarteraWeb", "CarteraJobs", "CarteraIO",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "CarteraTestSupport", dependencies: [
            "CarteraCore", "CarteraStore",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "CarteraCoreTests", dependencies: ["CarteraCore"], resources: [.copy("recurrence-dateutil.json")]),
        .testTarget(name: "CarteraIOTests", dependencies: [
            "CarteraIO", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        .testTarget(name: "CarteraStoreTests", dependencies: ["CarteraCore", "CarteraStore", "CarteraTestSupport", "CarteraJobs", "CarteraIO"]),
        .testTarget(name: "CarteraWebTests", dependencies: [
            "CarteraCore", "CarteraStore", "CarteraWeb", "CarteraTestSupport", "CarteraIO", "CarteraJobs",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
