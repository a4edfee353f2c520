import CLibEdit
import CLuaShim

#if canImport(Glibc)
import Glibc
#endif

/// One read of the REPL's input.
enum REPLInput: Equatable {
    case line(String)
    /// Ctrl-C while the line was being edited: it is dropped.
    case interrupted
    case end
    /// SIGTERM while the line was being edited.
    case terminated
}

/// Where the REPL's lines come from.
protocol REPLLineReader: AnyObject {
    func read(prompt: String) -> REPLInput
    /// Records a chunk the user entered, for recall (and the history file).
    func remember(_ chunk: String)
}

/// Standard input that is not a terminal: no history, no editing, no colours. The output is
/// the transcript Debian's `lua5.4 -i` prints (its readline echoes what it reads): each prompt,
/// then the line read after it, so `luagate -i < session.lua > transcript` matches lua5.4's and
/// Lua's own test of the interpreter (testes/main.lua) passes.
final class PipedLineReader: REPLLineReader {
    func read(prompt: String) -> REPLInput {
        Output.out(prompt)
        guard let line = Swift.readLine(strippingNewline: true) else {
            Output.flush()
            return .end
        }
        Output.out(line + "\n")
        Output.flush()
        return .line(line)
    }

    func remember(_ chunk: String) {}
}

/// A terminal: libedit's readline-compatible API, with emacs keys, Ctrl-R
/// search, the persistent history and Tab completion.
///
/// libedit's own signal handling is off: while a line is edited, SIGINT only
/// sets a flag (`lg_repl_catch_signals`), the character reader then reports
/// end of input, and the REPL drops the line. libedit reads characters
/// through `lg_repl_getc`, which decodes UTF-8 itself, under a UTF-8 locale
/// that is set only while a line is read (Lua keeps its "C" locale).
final class EditLineReader: REPLLineReader {
    private var history: REPLHistory
    private let completer: REPLCompleter

    init(history: REPLHistory, completer: REPLCompleter) {
        self.history = history
        self.completer = completer
        lg_edit_configure(strdup("luagate"), lg_repl_getc, editLineComplete, strdup(REPLCompleter.wordBreaks))
        lg_repl_set_resize_hook { rl_resize_terminal() }
        Self.withUTF8Locale { _ = rl_initialize() }
        using_history()
        reloadHistory()
    }

    func read(prompt: String) -> REPLInput {
        Output.flush()
        _ = lg_repl_take_sigint()
        activeCompleter = completer
        lg_repl_catch_signals()
        let line = Self.withUTF8Locale { readline(prompt) }
        lg_repl_hold_signals()
        activeCompleter = nil
        defer { free(line) }
        if lg_repl_sigterm_seen() != 0 { return .terminated }
        if lg_repl_take_sigint() != 0 {
            Output.out("^C\n")
            return .interrupted
        }
        return line.map { .line(String(cString: $0)) } ?? .end
    }

    func remember(_ chunk: String) {
        if history.add(chunk) { reloadHistory() }
    }

    /// libedit's list becomes the history's (which dropped duplicates and secrets).
    private func reloadHistory() {
        clear_history()
        for entry in history.entries { add_history(entry) }
    }

    /// Runs `body` with a UTF-8 `LC_CTYPE` (the environment's when it is UTF-8,
    /// else C.UTF-8), restoring the previous one after.
    private static func withUTF8Locale<T>(_ body: () -> T) -> T {
        let previous = setlocale(LC_CTYPE, nil).map { String(cString: $0) } ?? "C"
        if setlocale(LC_CTYPE, "") == nil || String(cString: nl_langinfo(nl_item(CODESET))) != "UTF-8" {
            setlocale(LC_CTYPE, "C.UTF-8")
        }
        defer { setlocale(LC_CTYPE, previous) }
        return body()
    }
}

/// The completer of the line being read (libedit's callback is a C function).
nonisolated(unsafe) private var activeCompleter: REPLCompleter?

/// `rl_attempted_completion_function`: readline's match array (the common
/// prefix, then each match), allocated with malloc for libedit to free.
private let editLineComplete: @convention(c) (
    UnsafePointer<CChar>?, Int32, Int32
) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = { text, _, _ in
    lg_edit_completion_over()
    guard let text, let completer = activeCompleter else { return nil }
    let matches = completer.completions(of: String(cString: text))
    guard let first = matches.first else { return nil }
    var common = Array(first.unicodeScalars)
    for match in matches.dropFirst() {
        common = Array(zip(common, match.unicodeScalars).prefix { $0 == $1 }.map(\.0))
    }
    let entries = matches.count == 1 ? matches : [String(String.UnicodeScalarView(common))] + matches
    let size = MemoryLayout<UnsafeMutablePointer<CChar>?>.stride * (entries.count + 1)
    guard let raw = malloc(size) else { return nil }
    let array = raw.bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: entries.count + 1)
    for (i, entry) in entries.enumerated() { array[i] = strdup(entry) }
    array[entries.count] = nil
    return array
}
