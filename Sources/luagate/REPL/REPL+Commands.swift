import CLua
import CLuaShim
import LuaGate
import LuaKit
import NgrokAI

/// The REPL's commands: lines that start with a dot and a letter.
extension REPL {
    static let commands: KeyValuePairs<String, String> = [
        ".help": "this summary",
        ".exit": "leave (as Ctrl-D)",
        ".load FILE": "run a Lua file here and show what it returns",
        ".sandbox": "whether API calls go to the sandbox or to a real account",
        ".time on|off": "show how long each evaluation takes",
    ]

    func runCommand(_ line: String) {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        let name = words.first.map { String($0.dropFirst()) } ?? ""
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        let rest = line.drop(while: isBlank).dropFirst(name.count + 1).drop(while: isBlank)
        let argument = String(rest.reversed().drop(while: isBlank).reversed())
        switch name {
        case "help": Output.out(help())
        case "exit", "quit": running = false
        case "load": load(argument)
        case "sandbox": Output.out(sandboxState() + "\n")
        case "time":
            switch argument {
            case "on": showTime = true
            case "off": showTime = false
            case "": break
            default: return complain("usage: .time on|off")
            }
            Output.out("timing is \(showTime ? "on" : "off")\n")
        default:
            complain("unknown command '.\(name)' (.help lists the commands)")
        }
    }

    private func complain(_ message: String) {
        Output.error(err.paint(message, .error) + "\n")
    }

    /// `.load FILE`: as `dofile`, with the results shown and Ctrl-C caught.
    private func load(_ path: String) {
        var path = path
        if path.count >= 2, let q = path.first, q == "\"" || q == "'", path.last == q {
            path = String(path.dropFirst().dropLast())
        }
        guard !path.isEmpty else { return complain("usage: .load FILE") }
        do {
            try lua.loadFile(path)
        } catch {
            return report(error)
        }
        evaluate()
    }

    private func sandboxState() -> String {
        if let sandbox = settings.sandbox {
            let count = sandbox.server.account.count(.providerKeys)
            return "sandbox: on: a fake AI Gateway API on \(sandbox.server.baseURL) with \(count) "
                + (count == 1 ? "key" : "keys") + "; no real account is touched"
        }
        let token = settings.secrets.isEmpty ? "no API token set" : "an API token is set"
        return "sandbox: off: API calls go to \(settings.baseURL) (\(token)); run luagate --sandbox to rehearse"
    }

    private func help() -> String {
        var text = """
            The AI Gateway API, one global per resource. Each call checks its arguments, then
            blocks until the response (inside task.spawn it yields); records are tables with the
            API's fields; errors are tables too (status, code, message, operation, id, field);
            json.null clears a field in an update.

            """
        for resource in Catalogue.all {
            text += "\(resource.name): \(resource.summary)\n"
            for line in Signatures.lines(resource) { text += "  " + line + "\n" }
        }
        text += "\n"
        for library in ["json", "task", "api", "rename", "metadata", "template"] {
            let names = globalNames(library)
            guard !names.isEmpty else { continue }
            text += "\(library): " + names.joined(separator: ", ") + "\n"
        }
        text += "\nCommands:\n"
        let width = Self.commands.map(\.key.count).max() ?? 0
        for (command, what) in Self.commands {
            text += "  " + command + String(repeating: " ", count: width - command.count + 2) + what + "\n"
        }
        text += """

            Keys: Tab completes names, fields after . and methods after :; Up/Down and Ctrl-R
            search the history; Ctrl-C interrupts what runs or clears the line; Ctrl-D leaves.
            `_` holds the last result.

            """
        if interactive, let path = REPLHistory.defaultPath() { text += "History: \(path)\n" }
        return text
    }

    /// The names in the global table `name` (read raw), functions and fields alike.
    private func globalNames(_ name: String) -> [String] {
        let stack = lua.stack
        let top = stack.top
        defer { stack.top = top }
        pushGlobals()
        guard stack.rawGet(table: -1, key: name) == .table else { return [] }
        var names: [String] = []
        lua_pushnil(lua.L)
        while lua_next(lua.L, -2) != 0 {
            if let key = stack.string(at: -2), REPLCompleter.isIdentifier(key) { names.append(key) }
            stack.pop()
        }
        return names.sorted()
    }
}

// MARK: - Globals and plans

extension REPL {
    /// The luagate modules that are globals (in scripts too, where each loads on its first
    /// use), without `require` (`providerKeys`, `json` and `task` are globals as well).
    static let moduleGlobals = Runtime.moduleGlobals

    /// Requires each module that exists into its global, unless the name is taken by
    /// something other than the stand-in that loads it on first use (so that `.help` and
    /// completion see its functions).
    func installGlobals() {
        let stack = lua.stack
        for (global, module) in Self.moduleGlobals.sorted(by: { $0.key < $1.key }) {
            pushGlobals()
            var taken = stack.rawGet(table: -1, key: global) != .nil
            if taken, lua_getmetatable(lua.L, -1) != 0 {
                taken = stack.rawGet(table: -1, key: "__luagate_module") != .string
                stack.pop(2)
            }
            stack.pop(2)
            if taken { continue }
            let status = lg_require(lua.L, module)
            afterCall()
            guard status == LUA_OK else {
                let message = stack.string(at: -1) ?? ""
                if !message.contains("module '\(module)' not found") {
                    Output.error("luagate: \(global): \(message)\n")
                }
                stack.pop()
                continue
            }
            pushGlobals()
            stack.push(global)
            stack.pushValue(at: -3)
            lua_rawset(lua.L, -3)
            stack.pop(2)
        }
    }

    /// True for a plan of `luagate.plan`: its metatable's `__name` is "luagate.plan".
    func isPlan(at index: Int32) -> Bool {
        guard lua.stack.type(at: index) == .table, lua_getmetatable(lua.L, index) != 0 else { return false }
        defer { lua.stack.pop(2) }
        lua.stack.rawGet(table: -1, key: "__name")
        return lua.stack.string(at: -1) == "luagate.plan"
    }

    /// `(last, current)` of luagate.plan's show() calls: the one that last printed the plan at
    /// `index` (nil: never, or no index), and the latest; `(nil, 0)` before the module loads.
    func planShowSerial(of index: Int32?) -> (last: Int?, current: Int) {
        let stack = lua.stack
        let top = stack.top
        defer { stack.top = top }
        lua_getfield(lua.L, LG_REGISTRYINDEX, "_LOADED")
        guard stack.rawGet(table: -1, key: "luagate.plan") == .table,
              stack.rawGet(table: -1, key: "_show_serial") == .function else { return (nil, 0) }
        if let index { stack.pushValue(at: index) } else { stack.pushNil() }
        guard lg_docall(lua.L, 1, 2, 0) == LUA_OK else { return (nil, 0) }
        var isInteger: Int32 = 0
        let last = lua_tointegerx(lua.L, -2, &isInteger)
        return (isInteger != 0 ? Int(last) : nil, Int(lua_tointegerx(lua.L, -1, nil)))
    }

    /// `plan:show()`, protected and interruptible; a string it returns is printed.
    func showPlan(at index: Int32) {
        let stack = lua.stack
        let top = stack.top
        defer { stack.top = top }
        stack.pushValue(at: index)
        lua_getmetatable(lua.L, -1)
        stack.rawGet(table: -1, key: "__index")
        if stack.type(at: -1) == .table { stack.rawGet(table: -1, key: "show") } else { stack.pushNil() }
        guard stack.type(at: -1) == .function else { return }
        stack.pushValue(at: index)
        let status = lg_docall(lua.L, 1, 1, 1)
        afterCall()
        if status != LUA_OK {
            Output.message(nil, stack.bytes(at: -1) ?? [])
        } else if let text = stack.bytes(at: -1) {
            Output.out(String(decoding: text, as: UTF8.self) + (text.last == UInt8(ascii: "\n") ? "" : "\n"))
        }
    }
}
