import CLua
import CLuaShim
import LuaGate
import LuaKit

#if canImport(Glibc)
import Glibc
#endif

/// The read-eval-print loop, as lua.c's `doREPL`: each line is first tried as
/// `return <line>`, then as a statement; an incomplete chunk (a syntax error at
/// `<eof>`) continues on the next line with the `>>` prompt. Lines starting
/// with a dot and a letter are commands (`.help`, see REPL+Commands.swift).
///
/// On a terminal, lines are edited with libedit (history, completion), results
/// are pretty-printed, and Ctrl-C interrupts what runs (cancelling its API
/// requests) or drops the line being typed. When standard input is not a
/// terminal the output is lua5.4's transcript (each prompt and the line read
/// after it, see `PipedLineReader`), with no colours, and results print as
/// `print` would.
final class REPL {
    struct Settings {
        /// API tokens: lines holding one never reach the history file.
        var secrets: [String] = []
        /// Where API calls go (for `.sandbox`).
        var baseURL = ""
        /// The in-process sandbox, when `--sandbox` started one.
        var sandbox: Sandbox?
    }

    let runtime: Runtime
    var lua: LuaState { runtime.lua }
    let settings: Settings
    /// Standard input is a terminal: prompts, line editing, pretty results.
    let interactive: Bool
    let out = REPLStyle.forStream(1)
    let err = REPLStyle.forStream(2)
    /// `.time on`: show how long each evaluation took.
    var showTime = false
    /// luagate.plan's count of show() calls when the current evaluation started.
    var planShows = 0
    /// Cleared by `.exit`.
    var running = true
    private let reader: REPLLineReader

    init(runtime: Runtime, settings: Settings) {
        self.runtime = runtime
        self.settings = settings
        interactive = Output.stdinIsTerminal
        if interactive {
            let history = REPLHistory(path: REPLHistory.defaultPath(), secrets: settings.secrets, ledger: runtime.secrets)
            reader = EditLineReader(history: history, completer: REPLCompleter(L: runtime.lua.L))
        } else {
            reader = PipedLineReader()
        }
    }

    func run() {
        let policy = runtime.stopPolicy
        runtime.stopPolicy = .cancel  // Ctrl-C abandons the evaluation's requests
        defer { runtime.stopPolicy = policy }
        installGlobals()
        if interactive {
            Output.out(out.paint("Type .help for the API and commands, Ctrl-D to leave.", .comment) + "\n")
        }
        while running, let input = readChunk() {
            switch input {
            case .interrupted: break
            case .command(let line): runCommand(line)
            case .failure(let error): report(error)
            case .success: evaluate()
            }
            lua.stack.top = 0
        }
        lua.stack.top = 0
        if interactive { lg_repl_release_signals() }
        Output.out("\n")
        Output.flush()
    }

    // MARK: - Reading

    private enum Chunk {
        /// The compiled chunk is on the stack.
        case success
        case failure(LuaError)
        case command(String)
        case interrupted
    }

    /// Reads and compiles one chunk; nil at end of input.
    private func readChunk() -> Chunk? {
        var line: String
        switch reader.read(prompt: prompt(first: true)) {
        case .line(let text): line = text
        case .interrupted: return .interrupted
        case .end: return nil
        case .terminated: return terminated()
        }
        if Self.isCommand(line) {
            reader.remember(line)
            return .command(line)
        }
        if line.hasPrefix("=") { line = "return " + line.dropFirst() }
        if (try? lua.load("return " + line + ";", name: "=stdin")) != nil {
            reader.remember(line)
            return .success
        }
        while true {
            do {
                try lua.load(line, name: "=stdin")
                reader.remember(line)
                return .success
            } catch {
                guard error.status == .syntax, error.message.hasSuffix("<eof>") else {
                    reader.remember(line)
                    return .failure(error)
                }
                switch reader.read(prompt: prompt(first: false)) {
                case .line(let more): line += "\n" + more
                case .interrupted: return .interrupted
                case .terminated: return terminated()
                case .end:
                    reader.remember(line)
                    return .failure(error)
                }
            }
        }
    }

    /// SIGTERM at the prompt ends the REPL, and the run stops as after any SIGTERM.
    private func terminated() -> Chunk? {
        lg_request_stop(lua.L, SIGTERM)
        return nil
    }

    /// `.name …` (a dot and a letter: `.5` is still a number).
    static func isCommand(_ line: String) -> Bool {
        let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
        guard trimmed.first == ".", let second = trimmed.dropFirst().first else { return false }
        return second.isLetter && second.isASCII
    }

    /// `_PROMPT` / `_PROMPT2` when they are set, as lua.c does (read raw).
    private func prompt(first: Bool) -> String {
        let stack = lua.stack
        pushGlobals()
        defer { stack.pop(2) }
        guard stack.rawGet(table: -1, key: first ? "_PROMPT" : "_PROMPT2") != .nil else { return first ? "> " : ">> " }
        return REPLPrettyPrinter.tostring(lua.L, at: -1)
    }

    func pushGlobals() { lua_rawgeti(lua.L, LG_REGISTRYINDEX, lua_Integer(LUA_RIDX_GLOBALS)) }

    // MARK: - Evaluating

    /// Calls the chunk on the stack and shows its results (or its error).
    func evaluate() {
        let base = lua.stack.top
        checkStop()  // a Ctrl-C that came after the last Lua instruction
        if !running { return }
        if interactive, lg_repl_take_sigint() != 0 {  // Ctrl-C right after Enter
            return report(Array("interrupted!".utf8))
        }
        planShows = planShowSerial(of: nil).current
        let start = ContinuousClock.now
        var failure: LuaError?
        do {
            try lua.call(arguments: 0, results: LUA_MULTRET, catchInterrupt: true)
        } catch {
            failure = error
        }
        let elapsed = ContinuousClock.now - start
        afterCall()
        if let failure {
            report(failure)
        } else {
            show(from: base, count: lua.stack.top - base + 1)
        }
        if showTime { Output.error(err.paint("-- \(Self.format(elapsed))", .comment) + "\n") }
    }

    /// After running Lua code: Ctrl-C no longer kills the process (lg_docall
    /// restored the default).
    func afterCall() {
        if interactive { lg_repl_hold_signals() }
        checkStop()
    }

    /// A recorded Ctrl-C is forgotten; SIGTERM ends the REPL (and the run).
    private func checkStop() {
        let signal = lg_stop_signal()
        if signal == SIGTERM { running = false } else if signal != 0 { lg_clear_stop(lua.L) }
    }

    /// Shows `count` results starting at `base` and sets `_` to the first.
    func show(from base: Int32, count: Int32) {
        guard count > 0 else { return }
        pushGlobals()
        lua.stack.push("_")
        lua.stack.pushValue(at: base)
        lua_rawset(lua.L, -3)
        lua.stack.pop()
        if interactive { showPretty(from: base, count: count) } else { showAsPrint(from: base, count: count) }
    }

    /// Pretty: on one line separated by commas when each fits, else one after
    /// another; plans show themselves (`plan:show()`).
    private func showPretty(from base: Int32, count: Int32) {
        var printer = REPLPrettyPrinter(L: lua.L, style: out)
        printer.width = Self.terminalWidth()
        let before = planShows
        let values = (base..<base + count).map { index in isPlan(at: index) ? nil : printer.render(at: index) }
        if values.allSatisfy({ $0 != nil && !$0!.contains("\n") }) {
            Output.out(values.map { $0! }.joined(separator: ", ") + "\n")
            return
        }
        for (i, value) in values.enumerated() {
            let separator = i == values.count - 1 ? "\n" : ",\n"
            if let value {
                Output.out(value + separator)
            } else if let last = planShowSerial(of: base + Int32(i)).last, last > before {
                continue  // `p:show()` printed it during this evaluation
            } else {
                showPlan(at: base + Int32(i))
            }
        }
    }

    /// As lua.c: `print` with the results.
    private func showAsPrint(from base: Int32, count: Int32) {
        pushGlobals()
        lua.stack.rawGet(table: -1, key: "print")
        lua_rotate(lua.L, -2, -1)
        lua.stack.pop()
        lua_rotate(lua.L, base, 1)
        if lg_docall(lua.L, count, 0, 0) != LUA_OK {
            let message = lua.stack.bytes(at: -1) ?? []
            Output.message(nil, Array("error calling 'print' (".utf8) + message + [UInt8(ascii: ")")])
        }
    }

    /// An error, as lua.c's `report` (its first line red on a terminal).
    func report(_ error: LuaError) { report(error.bytes) }

    func report(_ message: [UInt8]) {
        let text = String(decoding: message, as: UTF8.self)
        guard err.enabled else { return Output.message(nil, message) }
        let newline = text.firstIndex(of: "\n") ?? text.endIndex
        Output.error(err.paint(String(text[..<newline]), .error) + String(text[newline...]) + "\n")
    }

    static func format(_ duration: Duration) -> String {
        let ms = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        if ms < 10 { return "\((ms * 100).rounded() / 100) ms" }
        if ms < 1000 { return "\((ms * 10).rounded() / 10) ms" }
        return "\((ms / 10).rounded() / 100) s"
    }

    /// The terminal's width, within 40…100 columns (longer lines read badly).
    private static func terminalWidth() -> Int {
        var size = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return min(max(Int(size.ws_col), 40), 100)
    }
}
