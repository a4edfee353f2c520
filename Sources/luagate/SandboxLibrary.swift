import CLua
import FakeNgrokAI
import Foundation
import LuaGate
import LuaKit
import NgrokAI

/// `sandbox` (a global, and `require "sandbox"`), present only with `--sandbox`: lets a spec
/// start from a known account, shape the fake's behaviour, and check what was sent.
///
/// - `sandbox.reset()`: the account as the sandbox started (the sample, or `--sandbox-data`),
///   no request log, no faults.
/// - `sandbox.load(path | snapshot | records)`: the account becomes exactly that: a snapshot
///   file, a snapshot table (`{aiGatewayProviderKeys = {…}, …}`) or a list of records.
/// - `sandbox.requests()`: every request the fake received, oldest first:
///   `{method =, path =, status =, body =}` (body decoded when JSON; never the token).
/// - `sandbox.faults{latency_ms =, rate_429 =, retry_after =, rate_503 =, rate_reset =,
///   rate_malformed =}`: what the fake does wrong from now on; `sandbox.faults()` clears all.
extension Sandbox {
    func install(in runtime: Runtime) {
        let lua = runtime.lua
        lua.pushLibrary([
            ("faults", { [unowned self, unowned runtime] call in try faults(runtime, call) }),
            ("load", { [unowned self, unowned runtime] call in try load(runtime, call) }),
            ("requests", { [unowned self] call in requests(call) }),
            ("reset", { [unowned self] _ in
                try reset()
                return .none
            }),
        ])
        lua.registerModule("sandbox")
        try? lua.setGlobal("sandbox")
    }

    /// The account as the sandbox started, with no log and no faults.
    func reset() throws {
        server.requestLog.clear()
        clearFaults()
        let account = server.account
        if let dataFile {
            try account.load(snapshotJSON: try Data(contentsOf: URL(fileURLWithPath: dataFile)))
            return
        }
        account.removeAll()
        let seed = server.configuration.seed
        let keys = SampleAccount.make(seed: seed)
        for key in keys { account.insert(.providerKeys, fields: key) }
        SampleAccount.seedRest(account, keys: keys, seed: seed)
    }

    private func load(_ runtime: Runtime, _ call: LuaCall) throws -> LuaReturn {
        let data: Data
        if call.type(1) == .string, let path = call.stack.string(at: 1) {
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw LuaArgumentError(argument: 1, "cannot read \(path)")
            }
        } else if call.type(1) == .table {
            let encoder = JSONEncoder()
            data = try encoder.encode(try runtime.jsonArgument(call, 1))
        } else {
            throw call.typeError(1, expected: "string or table")
        }
        server.account.removeAll()
        do {
            try server.account.load(snapshotJSON: data)
        } catch {
            throw LuaArgumentError(argument: 1, "\(error)")
        }
        return .none
    }

    private func requests(_ call: LuaCall) -> LuaReturn {
        let stack = call.stack
        let entries = server.requestLog.entries()
        stack.newTable(arrayCount: Int32(clamping: entries.count))
        for (i, request) in entries.enumerated() {
            stack.ensure(4)
            stack.newTable(hashCount: 4)
            stack.push(request.method)
            stack.rawSet(table: -2, key: "method")
            stack.push(request.path)
            stack.rawSet(table: -2, key: "path")
            stack.push(Int64(request.status))
            stack.rawSet(table: -2, key: "status")
            if !request.body.isEmpty {
                if let json = try? JSONValue(parsing: Data(request.body)) {
                    stack.push(apiValue: json)
                } else {
                    stack.push(bytes: request.body)
                }
                stack.rawSet(table: -2, key: "body")
            }
            lua_rawseti(stack.L, -2, lua_Integer(i + 1))
        }
        return .one
    }

    private func faults(_ runtime: Runtime, _ call: LuaCall) throws -> LuaReturn {
        clearFaults()
        guard call.type(1) != .none && call.type(1) != .nil else { return .none }
        guard case .object(let options) = try runtime.jsonArgument(call, 1) else {
            throw call.typeError(1, expected: "table")
        }
        let faults = server.faults
        for (name, value) in options {
            guard let number = value.doubleValue, number >= 0, number.isFinite else {
                throw LuaArgumentError(argument: 1, "field '\(name)': must be a number of 0 or more")
            }
            switch name {
            case "latency_ms": faults.latencyMilliseconds = Int(number)
            case "retry_after": faults.retryAfterSeconds = Int(number)
            case "rate_429": faults.rateLimitedFraction = number
            case "rate_503": faults.serviceUnavailableFraction = number
            case "rate_reset": faults.resetMidResponseFraction = number
            case "rate_malformed": faults.malformedBodyFraction = number
            default:
                throw LuaArgumentError(
                    argument: 1,
                    "unknown field '\(name)' (allowed: latency_ms, rate_429, rate_503, rate_malformed, rate_reset, retry_after)")
            }
        }
        return .none
    }

    private func clearFaults() {
        let faults = server.faults
        faults.latencyMilliseconds = 0
        faults.rateLimitedFraction = 0
        faults.serviceUnavailableFraction = 0
        faults.resetMidResponseFraction = 0
        faults.malformedBodyFraction = 0
    }
}
