import CLua
import CLuaShim
import LuaKit

/// Everything luagate adds to a Lua state, in one place.
extension Runtime {
    func installLibraries() {
        installMetatables()
        installJSON()
        installResources()
        installPurchases()
        installAPI()
        installTask()
        installJob()
        installStdlib()
    }

    /// `task` (global and `require "task"`): `spawn`, `sleep` and handles'
    /// `await` are native; `map` and `all` are Lua (stdlib/task.lua).
    private func installTask() {
        let L = lua.L
        luaL_newmetatable(L, Scheduler.handleMetatable)
        lua.pushLibrary(["await": { [unowned self] in try scheduler.await($0) }])
        lua.stack.rawSet(table: -2, key: "__index")
        lua.stack.push("task")
        lua.stack.rawSet(table: -2, key: "__name")
        lua.stack.pop()

        lua.pushLibrary([
            "now": Self.now,
            "sleep": { [unowned self] in try sleep($0) },
            "spawn": { [unowned self] in try scheduler.spawn($0) },
        ])
        lua.stack.push(concurrency)
        lua.stack.rawSet(table: -2, key: "concurrency")
        loadStdlib(PackageResources.task_lua, name: "task", arguments: 1)
        lua.registerModule("task")
        try? lua.setGlobal("task")  // a fresh _G has no metamethods
    }

    /// `task.now()`: seconds on a monotonic clock (for measuring durations).
    private static func now(_ call: LuaCall) throws -> LuaReturn {
        let t = ContinuousClock.now.duration(to: startOfTime)
        call.stack.push(-(Double(t.components.seconds) + Double(t.components.attoseconds) * 1e-18))
        return .one
    }

    /// `task.sleep(seconds)`: yields the task (or blocks, running other tasks) that long.
    private func sleep(_ call: LuaCall) throws -> LuaReturn {
        var isNumber: Int32 = 0
        let seconds = lua_tonumberx(call.L, 1, &isNumber)
        guard isNumber != 0 else { throw call.typeError(1, expected: "number") }
        guard seconds >= 0, seconds.isFinite else { throw LuaArgumentError(argument: 1, "seconds must be >= 0") }
        let operation = Operation.make(
            isRequest: false, { try await _Concurrency.Task.sleep(for: .seconds(seconds)) },
            push: { _, _ in 0 }, failure: { $0 })
        return try scheduler.perform(call, operation)
    }

    /// Runs a stdlib chunk with the `arguments` values on top of the stack,
    /// leaving its one result. The sources are ours: a failure is a build bug.
    func loadStdlib(_ source: [UInt8], name: String, arguments: Int32) {
        do {
            try lua.load(source, name: "=[luagate] \(name).lua")
            lua_rotate(lua.L, -1 - arguments, 1)
            try lua.call(arguments: arguments, results: 1)
        } catch {
            fatalError("luagate: stdlib \(name).lua: \(error)")
        }
    }

    private func installMetatables() {
        let L = lua.L
        luaL_newmetatable(L, ErrorObject.metatable)
        lua.pushFunction("tostring", ErrorObject.tostring)
        lua.stack.rawSet(table: -2, key: "__tostring")
        lua.stack.push(true)
        lua.stack.rawSet(table: -2, key: "__luagate")  // uncaught: traceback added
        lua.stack.pop()

    }

    /// `json` (global and `require "json"`); `json.null` is the sentinel that
    /// sends JSON null (a NULL light userdata, like `cjson.null`).
    private func installJSON() {
        luaL_newmetatable(lua.L, JSONLibrary.arrayMetatable)
        lua.stack.push("array")
        lua.stack.rawSet(table: -2, key: "__jsontype")
        lua.stack.pop()
        lua.pushLibrary([
            "array": JSONLibrary.array,
            "decode": JSONLibrary.decode,
            "encode": JSONLibrary.encode,
        ])
        lua.stack.pushNull()
        lua.stack.rawSet(table: -2, key: "null")
        lua.registerModule("json")
        try? lua.setGlobal("json")
    }
}

/// The origin of `task.now()`.
private let startOfTime = ContinuousClock.now
