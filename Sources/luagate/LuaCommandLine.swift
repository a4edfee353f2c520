/// lua.c's own reading of a command line's options (its `collectargs`), so that what
/// `lua5.4` refuses, luagate refuses with the same message and status: an option with extra
/// characters (`-iv`, `-Ex`), an unknown one (`-h`, `---`), `-e`/`-l` without an argument or
/// followed by another option. luagate's long options (`--sandbox`, `--report FILE`, …) are
/// let through to the argument parser.
enum LuaCommandLine {
    /// What is wrong with `arguments` (without argv[0]) as lua.c sees it, in lua.c's words
    /// (`unrecognized option '-iv'`, `'-e' needs argument`); nil when nothing is.
    static func problem(_ arguments: [String]) -> String? {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            guard argument.hasPrefix("-") else { return nil }  // the script: options end
            let letters = Array(argument.utf8.dropFirst())
            switch letters.first {
            case nil:
                return nil  // `-`: standard input
            case UInt8(ascii: "-"):
                if letters.count == 1 { return nil }  // `--`
                let name = String(argument.dropFirst(2).prefix { $0 != "=" })
                guard let valued = luagateOptions[name] else { return "unrecognized option '\(argument)'" }
                if valued && !argument.contains("=") { index += 1 }
            case UInt8(ascii: "E"), UInt8(ascii: "W"), UInt8(ascii: "i"), UInt8(ascii: "v"):
                if letters.count > 1 { return "unrecognized option '\(argument)'" }
            case UInt8(ascii: "e"), UInt8(ascii: "l"):
                if letters.count == 1 {
                    index += 1
                    if index >= arguments.count || arguments[index].hasPrefix("-") { return "'\(argument)' needs argument" }
                }
            default:
                return "unrecognized option '\(argument)'"
            }
            index += 1
        }
        return nil
    }

    /// luagate's long options, and whether each takes a value.
    static let luagateOptions: [String: Bool] = {
        var options: [String: Bool] = [
            "snapshot": true, "types": true, "generate-completion-script": true,
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
