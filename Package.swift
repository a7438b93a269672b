// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "Falconer",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "falconer", targets: ["falconer"])
    ],
    targets: [
        // MARK: C libraries from Debian
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        // The one compiled bridge: simdjson's C++ API behind a plain C header.
        .target(
            name: "CSimdJSON",
            cxxSettings: [.define("SIMDJSON_THREADS_ENABLED", to: "1"), .unsafeFlags(["-O3"])],
            linkerSettings: [.linkedLibrary("simdjson")]
        ),

        // MARK: Core (pure: no Foundation, no I/O)
        .target(name: "FalconerCore"),

        // MARK: Adapters
        .target(name: "SimdJSONParser", dependencies: ["FalconerCore", "CSimdJSON"]),
        .target(name: "YAMLParser", dependencies: ["FalconerCore", "CYAML"]),
        .target(name: "BundledKnowledge", plugins: ["EmbedKnowledge"]),

        // MARK: Shell
        .target(
            name: "App",
            dependencies: ["FalconerCore", "SimdJSONParser", "YAMLParser", "BundledKnowledge"]
        ),
        // jemalloc replaces glibc's malloc in the executable: with glibc, incident mode's long-lived state fragmented
        // the heap (peak RSS 94 -> 116 MiB from 100k to 1M alerts although the live state is bounded); with jemalloc
        // it stays flat and every mode is faster (docs/performance.md). Debian: libjemalloc-dev.
        // Its settings (one arena) are a C symbol jemalloc reads at start-up.
        .target(name: "CAllocatorSettings"),
        .executableTarget(
            name: "falconer", dependencies: ["App", "CAllocatorSettings"], linkerSettings: [.linkedLibrary("jemalloc")]),

        // MARK: Build-time tooling: knowledge/ is compiled into the binary.
        .executableTarget(name: "KnowledgeEmbedder"),
        .plugin(name: "EmbedKnowledge", capability: .buildTool(), dependencies: ["KnowledgeEmbedder"]),

        // MARK: Tests
        .target(
            name: "TestSupport", dependencies: ["FalconerCore", "YAMLParser", "SimdJSONParser", "BundledKnowledge"]),
        .testTarget(
            name: "FalconerCoreTests",
            dependencies: ["FalconerCore", "TestSupport"],
            exclude: ["Fixtures", "Golden"]
        ),
        .testTarget(
            name: "AdapterTests", dependencies: ["SimdJSONParser", "YAMLParser", "FalconerCore", "TestSupport"]),
        .testTarget(
            name: "AppTests",
            dependencies: ["App", "FalconerCore", "TestSupport"],
            exclude: ["Golden"]
        ),
    ]
)

for target in package.targets where target.type != .system && target.type != .plugin {
    target.swiftSettings =
        (target.swiftSettings ?? []) + [
            .enableUpcomingFeature("ExistentialAny"), .enableUpcomingFeature("MemberImportVisibility"),
            .enableUpcomingFeature("InternalImportsByDefault"),
        ]
}
