// swift-tools-version:6.0
import Foundation
import PackageDescription

/// `-static-stdlib` links with `-export-dynamic`, which puts every symbol of every module (27,000)
/// in the executable's dynamic table: the loader then binds each by name at start-up and
/// `dladdr` scans them all, a millisecond of every run. Nothing loads symbols from the
/// executable (Lua C modules bind to liblua5.4.so), so they stay private.
let privateSymbols: [LinkerSetting] = [.unsafeFlags(["-Xlinker", "--no-export-dynamic"], .when(platforms: [.linux]))]

/// The release luagate is also position-dependent (`-no-pie`, Go's default on amd64): a
/// position-independent one carries ~112,000 relative relocations (Swift metadata and witness
/// tables), which the loader applies at every start, writing 1 MB of pages: 4.5 → 3.7 ms for
/// `luagate hello.lua`. Shared libraries (libc, liblua, libedit) are still placed at random;
/// the executable's own code is not. `LUAGATE_PIE=1 swift build …` keeps it position-independent.
/// (fake-ngrok-ai, whose start-up does not matter, stays position-independent.)
let quickStart: [LinkerSetting] = privateSymbols
    + (ProcessInfo.processInfo.environment["LUAGATE_PIE"] == "1"
        ? [] : [.unsafeFlags(["-Xclang-linker", "-no-pie"], .when(platforms: [.linux], configuration: .release))])

let package = Package(
    name: "luagate",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "luagate", targets: ["luagate"]),
        .executable(name: "fake-ngrok-ai", targets: ["fake-ngrok-ai"]),
        .library(name: "LuaKit", targets: ["LuaKit"]),
        .library(name: "LuaGate", targets: ["LuaGate"]),
        .library(name: "NgrokAI", targets: ["NgrokAI"]),
        .library(name: "NgrokAICatalogue", targets: ["NgrokAICatalogue"]),
        .library(name: "FakeNgrokAI", targets: ["FakeNgrokAI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        // The system Lua 5.4 (Debian's liblua5.4-dev), linked dynamically so that
        // C modules installed from Debian load with `require` as under lua5.4.
        .systemLibrary(
            name: "CLua",
            pkgConfig: "lua5.4",
            providers: [.apt(["liblua5.4-dev"])]
        ),
        // BSD editline (Debian's libedit-dev) for the REPL: line editing, history, completion.
        .systemLibrary(
            name: "CLibEdit",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        // The only code that raises Lua errors or yields: Swift never longjmps.
        .target(name: "CLuaShim", dependencies: ["CLua"]),
        .target(name: "LuaKit", dependencies: ["CLua", "CLuaShim"]),
        // The one description of the API's resources that the client, the fake, the Lua
        // bindings and the docs read, with the value types and helpers they share.
        .target(name: "NgrokAICatalogue"),
        .target(
            name: "NgrokAI",
            dependencies: [
                "NgrokAICatalogue",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "FakeNgrokAI",
            dependencies: [
                "NgrokAICatalogue",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // The Lua half of the runtime (stdlib/, linked here) is compiled into the binary.
        .target(
            name: "LuaGate",
            dependencies: [
                "LuaKit", "NgrokAI", .product(name: "Mustache", package: "swift-mustache"),
                // pthread-based locks, which ThreadSanitizer sees (Synchronization.Mutex's futex it does not).
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            resources: [.embedInCode("stdlib")]
        ),
        .executableTarget(
            name: "luagate",
            dependencies: [
                "LuaGate", "FakeNgrokAI", "CLibEdit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            linkerSettings: quickStart
        ),
        .executableTarget(
            name: "fake-ngrok-ai",
            dependencies: [
                "FakeNgrokAI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            linkerSettings: privateSymbols
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "FakeNgrokAI", "NgrokAI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            path: "Tests/TestSupport"
        ),
        // The fuzz targets' code (Tests/Fuzz); libFuzzer drives it through luagate-fuzz
        // (scripts/fuzz.sh), and FuzzCorpusTests replays the committed corpus through it.
        .target(
            name: "FuzzHarnesses",
            dependencies: [
                "LuaGate", "LuaKit", "CLua", "CLuaShim", "NgrokAI", "FakeNgrokAI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            path: "Tests/Fuzz/Harnesses"
        ),
        .testTarget(name: "FuzzCorpusTests", dependencies: ["FuzzHarnesses"], path: "Tests/Fuzz/CorpusTests"),
        .testTarget(name: "LuaKitTests", dependencies: ["LuaKit"]),
        .testTarget(name: "NgrokAITests", dependencies: ["NgrokAI", "FakeNgrokAI", "TestSupport"]),
        .testTarget(name: "FakeNgrokAITests", dependencies: ["FakeNgrokAI", "TestSupport"]),
        .testTarget(
            name: "LuaGateTests",
            dependencies: ["LuaGate", "FakeNgrokAI", "TestSupport"],
            exclude: ["Scripts"]
        ),
    ]
)

// libFuzzer's binary exists only when asked for (LUAGATE_FUZZ=1, as scripts/fuzz.sh does): it
// calls libFuzzer's driver, which only -sanitize=fuzzer links.
if ProcessInfo.processInfo.environment["LUAGATE_FUZZ"] != nil {
    package.products.append(.executable(name: "luagate-fuzz", targets: ["luagate-fuzz"]))
    package.targets.append(
        .executableTarget(name: "luagate-fuzz", dependencies: ["FuzzHarnesses"], path: "Tests/Fuzz/Runner")
    )
}
