import LuaKit

/// An optional table of named options (`{indent = 2, sort_keys = false}`), copied out of
/// Lua; a name outside `allowed` is an argument error.
struct OptionsTable {
    let argument: Int32
    let values: [String: LuaValue]

    init(_ call: LuaCall, argument: Int32, allowed: [String]) throws(LuaArgumentError) {
        self.argument = argument
        guard call.type(argument) != .none, call.type(argument) != .nil else {
            values = [:]
            return
        }
        try call.checkTable(argument)
        let entries: [LuaValue: LuaValue]
        do {
            switch try call.stack.value(at: argument) {
            case .table(let t): entries = t
            default: entries = [1: 1]  // a list: its keys are not option names
            }
        } catch {
            throw LuaArgumentError(argument: argument, "\(error)")
        }
        var values: [String: LuaValue] = [:]
        for (key, value) in entries {
            guard let name = key.stringValue, allowed.contains(name) else {
                let shown: String
                switch key {
                case .string(let s): shown = "'\(s)'"
                case .integer(let i): shown = "[\(i)]"
                default: shown = "of type \(key.typeName)"
                }
                throw LuaArgumentError(argument: argument, "unknown option \(shown) (allowed: \(allowed.sorted().joined(separator: ", ")))")
            }
            values[name] = value
        }
        self.values = values
    }

    subscript(name: String) -> LuaValue? { values[name] }

    /// `field 'name': rule`, for a value of the wrong kind.
    func error(_ name: String, _ rule: String) -> LuaArgumentError {
        LuaArgumentError(argument: argument, "field '\(name)': \(rule)")
    }
}
