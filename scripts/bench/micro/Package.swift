// swift-tools-version:6.1
// The in-process benchmarks of issue 13, on ordo-one/benchmark (time and allocations per step),
// and `ahc-load`, AsyncHTTPClient alone under the bulk load of scripts/bench/run.sh.
// A package of its own so that the main build and CI never fetch or build the benchmark tools:
//   cd scripts/bench/micro && swift package benchmark        # or scripts/bench/micro.sh
import PackageDescription

let package = Package(
    name: "luagate-micro-benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "luagate", path: "../../.."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "InProcess",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "LuaGate", package: "luagate"),
                .product(name: "LuaKit", package: "luagate"),
                .product(name: "NgrokAI", package: "luagate"),
                .product(name: "NgrokAICatalogue", package: "luagate"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ],
            path: "Benchmarks/InProcess",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // AsyncHTTPClient alone under the bulk benchmark's load (a row of scripts/bench/run.sh).
        .executableTarget(
            name: "ahc-load",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ],
            path: "Benchmarks/AHCLoad"
        ),
    ]
)
