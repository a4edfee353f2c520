/// lua.c's own reading of a command line's options (its `collectargs`), so that what
/// `lua5.4` refuses, luagate refuses with the same message and status: an option with extra
/// characters (`-iv`, `-Ex`), an unknown one (`-h`, `---`), `-e`/`-l` without an argument or
/// followed by another option. luagate's long options (`--sandbox`, `--report FILE`, …) are
/// let through to the argument parser; any other `--word` is luagate's usage error.
enum LuaCommandLine {
    /// lua.c's options at the front of a command line, as `collectargs` reads them.
    struct Options {
        var version = false, interactive = false, ignoreEnvironment = false, warnings = false
        /// The values of `-e` and `-l`, each in its own order.
        var execute: [String] = [], library: [String] = []
        /// Whether a luagate long option, `--` or `-` was among them (the argument parser's job).
        var needsParser = false
        /// Where the script (or the end) is.
        var end = 0
    }

    /// What ``read(_:)`` found. (Not a `Result`: instantiating that generic type is a
    /// measurable part of start-up.)
    enum Reading {
        case options(Options)
        /// In lua.c's words.
        case refused(String)
        /// A `--word` that is none of luagate's options (a typo, most likely): luagate's own
        /// usage error (status 2), with the nearest option when one is close.
        case unknownLongOption(String)
    }

    /// Reads the options before the script in `arguments` (without argv[0]).
    static func read(_ arguments: [String]) -> Reading {
        var options = Options()
        var index = 0
        func refuse(_ message: String) -> Reading { .refused(message) }
        while index < arguments.count {
            let argument = arguments[index]
            guard argument.hasPrefix("-") else { break }  // the script: options end
            let letters = Array(argument.utf8.dropFirst())
            switch letters.first {
            case nil:  // `-`: standard input
                options.needsParser = true
                options.end = index
                return .options(options)
            case UInt8(ascii: "-"):
                options.needsParser = true
                if letters.count == 1 {  // `--`
                    options.end = index
                    return .options(options)
                }
                let name = String(argument.dropFirst(2).prefix { $0 != "=" })
                guard let valued = luagateOptions[name] else {
                    // `---` and the like stay lua.c's; a word after `--` was meant as one of ours.
                    guard let first = letters.dropFirst().first, isWordStart(first) else {
                        return refuse("unrecognized option '\(argument)'")
                    }
                    let hint = nearestOption(to: name).map { " (did you mean --\($0)?)" } ?? ""
                    return .unknownLongOption("unrecognized option '\(argument)'\(hint)")
                }
                if valued && !argument.contains("=") { index += 1 }
            case UInt8(ascii: "E"), UInt8(ascii: "W"), UInt8(ascii: "i"), UInt8(ascii: "v"):
                if letters.count > 1 { return refuse("unrecognized option '\(argument)'") }
                switch letters[0] {
                case UInt8(ascii: "E"): options.ignoreEnvironment = true
                case UInt8(ascii: "W"): options.warnings = true
                case UInt8(ascii: "i"): options.interactive = true
                default: options.version = true
                }
            case UInt8(ascii: "e"), UInt8(ascii: "l"):
                var value = String(argument.dropFirst(2))
                if letters.count == 1 {
                    index += 1
                    if index >= arguments.count || arguments[index].hasPrefix("-") { return refuse("'\(argument)' needs argument") }
                    value = arguments[index]
                }
                if letters[0] == UInt8(ascii: "e") { options.execute.append(value) } else { options.library.append(value) }
            default:
                return refuse("unrecognized option '\(argument)'")
            }
            index += 1
        }
        options.end = index
        return .options(options)
    }

    private static func isWordStart(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// The option `name` was most likely meant to be: the only one it begins (`dry` for
    /// `dry-run`), else the closest by edits (insertions, deletions, substitutions and swaps
    /// of neighbours) when it is at most 2 edits away (1 for names of up to 3 letters).
    static func nearestOption(to name: String) -> String? {
        let names = luagateOptions.keys.filter { $0 != "experimental-dump-help" }.sorted()
        let starting = names.filter { $0.hasPrefix(name) }
        if name.count >= 3, starting.count == 1 { return starting[0] }
        let limit = name.count <= 3 ? 1 : 2
        var best: (name: String, distance: Int)?
        for candidate in names {
            let d = editDistance(Array(name.utf8), Array(candidate.utf8))
            if d <= limit, d < (best?.distance ?? .max) { best = (candidate, d) }
        }
        return best?.name
    }

    /// Optimal string alignment distance between `a` and `b`.
    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var rows = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { rows[i][0] = i }
        for j in 0...b.count { rows[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
                }
            }
        }
        return rows[a.count][b.count]
    }

    /// luagate's long options, and whether each takes a value.
    static let luagateOptions: [String: Bool] = {
        var options: [String: Bool] = [
            "snapshot": true, "types": true, "generate-completion-script": true,
            "plan": true, "apply": true, "export": true, "out": true, "plan-format": true, "collections": true,
            "max-deletes": true, "stack": true, "detailed-exitcode": false, "prune": false, "adopt": false,
            "version": false, "help": false, "experimental-dump-help": false,
        ]
        for name in EnvironmentOptions.valued { options[name] = true }
        for name in EnvironmentOptions.flags { options[name] = false }
        return options
    }()

    /// lua.c's usage text (`print_usage`), then where luagate's own options are described.
    static func usage(_ progname: String) -> String {
        """
        usage: \(progname) [options] [script [args]]
        Available options are:
          -e stat   execute string 'stat'
          -i        enter interactive mode after executing 'script'
          -l mod    require library 'mod' into global 'mod'
          -l g=mod  require library 'mod' into global 'g'
          -v        show version information
          -E        ignore environment variables
          -W        turn warnings on
          --        stop handling options
          -         stop handling options and execute stdin
        Run '\(progname) --help' for luagate's own options.

        """
    }
}
