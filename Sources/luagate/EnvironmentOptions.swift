#if canImport(Glibc)
import Glibc
#endif

/// `LUAGATE_<OPTION>` environment variables: each long option can be set in
/// the environment (`LUAGATE_DRY_RUN=1`, `LUAGATE_MAX_CHANGES=10`), so a
/// crontab line stays short. The command line wins over the environment.
enum EnvironmentOptions {
    /// The long options that take a value, and the flags.
    static let valued = [
        "base-url", "api-key-file", "proxy", "no-proxy", "ca-file", "concurrency", "max-in-flight", "retries", "request-timeout",
        "max-changes", "lock", "lock-wait", "journal", "log-format", "log-level", "report", "timeout",
        "sandbox-data", "sandbox-save",
    ]
    static let flags = ["verbose", "dry-run", "resume", "sandbox", "caught-failures-ok"]

    /// What a value must be, for the options that are not free text; checked here so that a
    /// bad value names its variable (`LUAGATE_MAX_CHANGES=abc: not a whole number`).
    static let rules: [String: @Sendable (String) -> String?] = [
        "concurrency": { whole($0, atLeast: 1) }, "max-in-flight": { whole($0, atLeast: 1) },
        "retries": { whole($0, atLeast: 0) }, "max-changes": { whole($0, atLeast: 0) },
        "request-timeout": { Double($0).map { $0 > 0 && $0.isFinite } == true ? nil : "not a positive number of seconds" },
        "lock-wait": { JobDuration.parse($0) == nil ? "not a duration (such as 30s, 15m, 2h)" : nil },
        "timeout": { JobDuration.parse($0) == nil ? "not a duration (such as 30s, 15m, 2h)" : nil },
        "log-format": { ["text", "json"].contains($0) ? nil : "must be text or json" },
        "log-level": {
            ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains($0)
                ? nil : "must be one of trace, debug, info, notice, warning, error, critical"
        },
    ]

    private static func whole(_ text: String, atLeast minimum: Int) -> String? {
        guard let value = Int(text) else { return "not a whole number" }
        return value < minimum ? "must be \(minimum == 0 ? "0 or more" : "at least \(minimum)")" : nil
    }

    /// The options from the environment, as arguments to put before the command line's
    /// (each `--name=value`, so that a value starting with `-` stays a value).
    static func arguments(given commandLine: [String]) throws(EnvironmentError) -> [String] {
        var extra: [String] = []
        func given(_ name: String) -> Bool {
            commandLine.contains { $0 == "--\(name)" || $0.hasPrefix("--\(name)=") }
        }
        for name in valued where !given(name) {
            guard let value = variable(name), !value.isEmpty else { continue }
            if let problem = rules[name]?(value) {
                throw EnvironmentError(description: "\(variableName(name))=\(value): \(problem)")
            }
            extra.append("--\(name)=\(value)")
        }
        for name in flags where !given(name) {
            if let value = variable(name), ["1", "true", "yes", "on"].contains(value.lowercased()) { extra.append("--\(name)") }
        }
        return extra
    }

    /// Whether any `LUAGATE_` variable is set (even to a value the options ignore).
    static func anySet() -> Bool {
        var entry = environ
        while let pointer = entry.pointee {
            if strncmp(pointer, "LUAGATE_", 8) == 0 { return true }
            entry += 1
        }
        return false
    }

    static func variable(_ option: String) -> String? {
        getenv(variableName(option)).map { String(cString: $0) }
    }

    /// `LUAGATE_MAX_CHANGES` for `max-changes`.
    static func variableName(_ option: String) -> String {
        "LUAGATE_" + String(option.uppercased().map { $0 == "-" ? "_" : $0 })
    }

    /// The command line with each negative number given to a valued option joined to it
    /// (`--concurrency -1` becomes `--concurrency=-1`), so that it reaches the option's own
    /// check instead of reading as an unknown option, and lua.c's attached `-lg=mod` and
    /// `-ea=3` split.
    /// Stops at the script.
    static func joiningNegativeValues(_ arguments: [String]) -> [String] {
        var out: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            out.append(argument)
            index += 1
            if argument == "--" || argument == "-" || !argument.hasPrefix("-") { break }
            if argument.hasPrefix("--"), valued.contains(String(argument.dropFirst(2))), index < arguments.count {
                let value = arguments[index]
                if value.hasPrefix("-"), Double(value) != nil {
                    out[out.count - 1] = argument + "=" + value
                } else {
                    out.append(value)
                }
                index += 1
            } else if argument == "-e" || argument == "-l", index < arguments.count {
                out.append(arguments[index])
                index += 1
            } else if argument.hasPrefix("-l") || argument.hasPrefix("-e"), !argument.hasPrefix("--"), argument.count > 2 {
                // lua.c takes `-lmod`, `-lg=mod` and `-estat` attached: split them for the parser.
                out[out.count - 1] = String(argument.prefix(2))
                out.append(String(argument.dropFirst(2)))
            }
        }
        return out + arguments[index...]
    }
}

/// A `LUAGATE_*` variable with a value its option does not take.
struct EnvironmentError: Error, CustomStringConvertible {
    var description: String
}
