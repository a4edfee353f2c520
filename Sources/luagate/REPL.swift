import CLua
import CLuaShim
import LuaKit

#if canImport(Glibc)
import Glibc
#endif

/// The read-eval-print loop, as lua.c's `doREPL`: each line is first tried as
/// `return <line>`, then as a statement; an incomplete chunk (a syntax error at
/// `<eof>`) continues on the next line with the `>>` prompt.
struct REPL {
    let lua: LuaState

    func run() {
        let stack = lua.stack
        while let chunk = readChunk() {
            switch chunk {
            case .failure(let error):
                Output.message(nil, error.bytes)
            case .success:
                let base = stack.top - 1
                do {
                    try lua.call(arguments: 0, results: LUA_MULTRET, catchInterrupt: true)
                    printResults(from: base + 1)
                } catch {
                    Output.message(nil, error.bytes)
                }
            }
            stack.top = 0
        }
        stack.top = 0
        Output.out("\n")
        Output.flush()
    }

    /// Reads and compiles one chunk, leaving the function on the stack; nil at end of input.
    private func readChunk() -> Result<Void, LuaError>? {
        guard var line = readLine(prompt: promptFor(first: true)) else { return nil }
        if line.hasPrefix("=") { line = "return " + line.dropFirst() }
        if (try? lua.load("return " + line + ";", name: "=stdin")) != nil { return .success(()) }
        while true {
            do {
                try lua.load(line, name: "=stdin")
                return .success(())
            } catch {
                guard error.status == .syntax, error.message.hasSuffix("<eof>") else { return .failure(error) }
                guard let more = readLine(prompt: promptFor(first: false)) else { return .failure(error) }
                line += "\n" + more
            }
        }
    }

    /// `_PROMPT` / `_PROMPT2` when they are set, as lua.c does.
    private func promptFor(first: Bool) -> String {
        lua_getglobal(lua.L, first ? "_PROMPT" : "_PROMPT2")
        defer { lua.stack.pop() }
        if lua.stack.type(at: -1) != .nil { return lua.toString(at: -1) }
        return first ? "> " : ">> "
    }

    private func readLine(prompt: String) -> String? {
        if Output.stdinIsTerminal {
            Output.out(prompt)
            Output.flush()
        }
        return Swift.readLine(strippingNewline: true)
    }

    /// Calls `print` with the chunk's results, if any.
    private func printResults(from base: Int32) {
        let stack = lua.stack
        let count = stack.top - base + 1
        guard count > 0 else { return }
        lua_getglobal(lua.L, "print")
        lua_rotate(lua.L, base, 1)
        if lg_docall(lua.L, count, 0, 0) != LUA_OK {
            let message = lua.stack.bytes(at: -1) ?? []
            Output.message(nil, Array("error calling 'print' (".utf8) + message + [UInt8(ascii: ")")])
        }
    }
}
