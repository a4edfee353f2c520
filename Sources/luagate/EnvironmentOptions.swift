#if canImport(Glibc)
import Glibc
#endif

/// `LUAGATE_<OPTION>` environment variables: each long option can be set in
/// the environment (`LUAGATE_DRY_RUN=1`, `LUAGATE_MAX_CHANGES=10`), so a
/// crontab line stays short. The command line wins over the environment.
enum EnvironmentOptions {
    /// The long options that take a value, and the flags.
    static let valued = [
        "base-url", "api-key-file", "concurrency", "max-in-flight", "retries", "request-timeout",
        "max-changes", "lock", "lock-wait", "journal", "log-format", "log-level", "report", "timeout",
        "sandbox-data", "sandbox-save",
    ]
    static let flags = ["verbose", "dry-run", "resume", "sandbox"]

    /// The options from the environment, as arguments to put before the command line's.
    static func arguments(given commandLine: [String]) -> [String] {
        var extra: [String] = []
        func given(_ name: String) -> Bool {
            commandLine.contains { $0 == "--\(name)" || $0.hasPrefix("--\(name)=") }
        }
        for name in valued where !given(name) {
            if let value = variable(name), !value.isEmpty { extra += ["--\(name)", value] }
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
        let name = "LUAGATE_" + String(option.uppercased().map { $0 == "-" ? "_" : $0 })
        return getenv(name).map { String(cString: $0) }
    }
}
