import LuaKit
import NgrokAI

extension Runtime {
    /// `luagate.job` (`require "luagate.job"`): the run's rules as scripts see
    /// them. `job.dry_run`, `job.max_changes` (nil: no limit), and
    /// `job.reserve(n)`, which raises the `--max-changes` refusal unless `n`
    /// more changes fit (plans call it with their size before sending anything).
    func installJob() {
        lua.pushLibrary(["reserve": { [unowned self] call in
            let count = try call.checkInteger(1)
            guard count >= 0 else { throw LuaArgumentError(argument: 1, "count must be 0 or more") }
            do {
                try job.reserve(Int(count), operation: "job.reserve")
            } catch let error as NgrokAIError {
                throw ErrorObject(error: error)
            }
            return .none
        }])
        lua.stack.push(job.options.dryRun)
        lua.stack.rawSet(table: -2, key: "dry_run")
        if let max = job.options.maxChanges {
            lua.stack.push(max)
            lua.stack.rawSet(table: -2, key: "max_changes")
        }
        lua.registerModule("luagate.job")
        lua.stack.pop()
    }
}
