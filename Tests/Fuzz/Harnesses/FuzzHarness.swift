import CLua
import CLuaShim
import FakeNgrokAI
import Foundation
import LuaGate
import LuaKit
import NIOCore
import NIOEmbedded
import NgrokAI

/// The fuzz targets: each takes any bytes and must neither crash nor break its own property.
/// libFuzzer drives them through `luagate-fuzz` (scripts/fuzz.sh); `FuzzCorpusTests` replays
/// the committed corpus (Tests/Fuzz/Corpus/<target>/) through the same code on every test run.
///
/// One harness belongs to one thread (it owns a Lua state), as a `lua_State` must.
public final class FuzzHarness {
    /// The targets, by the name of their corpus folder.
    public static let targets = ["json", "template", "journal", "responses", "fake-request", "lua-arguments"]

    private var runtime: Runtime?

    public init() {}

    /// Feeds `bytes` to `target`. A broken property stops the process, so the fuzzer keeps the input.
    public func run(_ target: String, _ bytes: [UInt8]) {
        switch target {
        case "json", "template", "lua-arguments": runLua(target, bytes)
        case "journal": ResumeIndex.check(Data(bytes))
        case "responses": Self.responses(bytes)
        case "fake-request": Self.fakeRequest(bytes)
        default: fatalError("no fuzz target \(target) (targets: \(Self.targets.joined(separator: ", ")))")
        }
    }

    /// The API client's decoders of response bodies and headers.
    static func responses(_ bytes: [UInt8]) {
        let data = Data(bytes)
        _ = ErrorBody(parsing: data)
        _ = ErrorBody.fallbackMessage(status: .badGateway, body: data)
        _ = RetryAfter.delay(String(decoding: bytes, as: UTF8.self))
        guard let json = try? JSONValue(parsing: data) else { return }
        for resource in Catalogue.all {
            if let envelope = resource.envelope { _ = try? NgrokAIClient.page(json, envelope: envelope) }
            _ = try? NgrokAIClient.record(json, resource)
        }
    }

    /// Raw bytes on one connection of the fake API, as a client could send them.
    static func fakeRequest(_ bytes: [UInt8]) {
        let account = AccountStore(seed: 1)
        for key in SampleAccount.make(seed: 1, count: 3) { account.insert(.providerKeys, fields: key) }
        let core = ServerCore(account: account, faults: FaultPlan(), requestLog: RequestLog(capacity: 16), token: "t")
        let channel = EmbeddedChannel()
        do {
            try core.serve(channel.pipeline.syncOperations)
        } catch {
            fatalError("cannot set up the fake's pipeline: \(error)")
        }
        _ = try? channel.writeInbound(ByteBuffer(bytes: bytes))
        channel.embeddedEventLoop.run()
        while (try? channel.readOutbound(as: ByteBuffer.self)) != nil {}
        _ = try? channel.finish(acceptAlreadyClosed: true)
    }

    /// The Lua-facing targets: a chunk of `FuzzChunks` called with the bytes as a string.
    private func runLua(_ target: String, _ bytes: [UInt8]) {
        let runtime = self.runtime ?? makeRuntime()
        let L = runtime.lua.L
        lua_settop(L, 0)
        lua_getfield(L, LG_REGISTRYINDEX, "luagate.fuzz." + target)
        runtime.lua.stack.push(bytes: bytes)
        do {
            try runtime.lua.call(arguments: 1, results: 0)
        } catch {
            fatalError("fuzz target \(target) broke: \(error)")
        }
        lua_settop(L, 0)
    }

    /// A runtime with no token (every API call fails before sending anything, after its
    /// arguments are read) and dry-run jobs, with each chunk compiled once.
    private func makeRuntime() -> Runtime {
        var options = JobOptions()
        options.dryRun = true
        let job: JobControl
        do {
            job = try JobControl(options: options)
        } catch {
            fatalError("cannot make the job control: \(error)")
        }
        var configuration = NgrokAIConfiguration()
        configuration.retry.maxRetries = 0
        let runtime = Runtime(api: configuration, job: job)
        let resources = Catalogue.all.map { "\"\($0.name)\"" }.joined(separator: ", ")
        for (target, code) in FuzzChunks.all(resources: resources) {
            do {
                try runtime.lua.load(code, name: "=fuzz-" + target)
            } catch {
                fatalError("fuzz chunk \(target) does not compile: \(error)")
            }
            lua_setfield(runtime.lua.L, LG_REGISTRYINDEX, "luagate.fuzz." + target)
        }
        self.runtime = runtime
        return runtime
    }
}
