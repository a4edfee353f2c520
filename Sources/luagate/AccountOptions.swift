import ArgumentParser

/// What `--plan`, `--apply` or `--export` asks of the declarative-account driver
/// (`luagate.account.cli`).
struct AccountCommand {
    enum Mode: String { case plan, apply, export }
    var mode: Mode
    var file: String
    var out: String?
    var format: String
    var detailedExitcode: Bool
    var prune: Bool
    var adopt: Bool
    var maxDeletes: Int?
    var collections: [String]?
    var stack: String?
}

/// The command line's declarative-account options.
struct AccountOptions: ParsableArguments {
    @Option(name: .customLong("plan"), help: ArgumentHelp(
        "Show what would make the account match this account file, and exit.", valueName: "file.lua"))
    var plan: String?

    @Option(name: .customLong("apply"), help: ArgumentHelp(
        "Plan this account file and apply the plan, or apply exactly a plan saved with --out (refused if any record it touches changed since).",
        valueName: "file.lua|plan.json"))
    var apply: String?

    @Option(name: .customLong("export"), help: ArgumentHelp(
        "Write the account as an account file ('-' for standard output), and exit.", valueName: "file.lua"))
    var export: String?

    @Option(name: .customLong("out"), help: ArgumentHelp(
        "With --plan, also save the plan (no secret values) for a later --apply.", valueName: "plan.json"))
    var out: String?

    @Option(name: .customLong("plan-format"), help: ArgumentHelp(
        "How --plan and --apply print the plan: text, json (one document) or markdown (a pull-request comment).",
        valueName: "text|json|markdown"))
    var planFormat: String = "text"

    @Flag(name: .customLong("detailed-exitcode"), help: "With --plan, exit 0 when nothing would change, 2 when changes are pending, 1 on error (a misuse included).")
    var detailedExitcode = false

    @Flag(name: .customLong("prune"), help: "Delete records this file's stack created that the file no longer names.")
    var prune = false

    @Flag(name: .customLong("adopt"), help: "Mark records the file names but did not create as this stack's own.")
    var adopt = false

    @Option(name: .customLong("max-deletes"), help: ArgumentHelp(
        "Refuse the plan, before anything is sent, when it deletes more than n records.", valueName: "n"))
    var maxDeletes: Int?

    @Option(name: .customLong("collections"), help: ArgumentHelp(
        "With --export, only these collections (comma-separated, e.g. providerKeys,accessKeys).", valueName: "list"))
    var collections: String?

    @Option(name: .customLong("stack"), help: ArgumentHelp(
        "With --export, the stack the written file names (default: the stack most records belong to, else main).",
        valueName: "name"))
    var stack: String?

    /// The driver's command, when one of --plan, --apply, --export was given.
    var command: AccountCommand? {
        let modes: [(AccountCommand.Mode, String?)] = [(.plan, plan), (.apply, apply), (.export, export)]
        guard let (mode, file) = modes.first(where: { $0.1 != nil }), let file else { return nil }
        return AccountCommand(
            mode: mode, file: file, out: out, format: planFormat, detailedExitcode: detailedExitcode, prune: prune,
            adopt: adopt, maxDeletes: maxDeletes,
            collections: collections?.split(separator: ",").map { String($0.filter { $0 != " " }) },
            stack: stack)
    }

    func validate(scriptAndArguments: [String], hasCode: Bool) throws {
        let given = [("--plan", plan), ("--apply", apply), ("--export", export)].filter { $0.1 != nil }.map(\.0)
        if given.count > 1 { throw ValidationError("\(given.joined(separator: " and ")) cannot be used together") }
        guard let mode = given.first else {
            for (name, set) in [("--out", out != nil), ("--detailed-exitcode", detailedExitcode), ("--prune", prune),
                                ("--adopt", adopt), ("--max-deletes", maxDeletes != nil), ("--collections", collections != nil),
                                ("--stack", stack != nil), ("--plan-format", planFormat != "text")] where set {
                throw ValidationError("\(name) needs --plan, --apply or --export")
            }
            return
        }
        if !scriptAndArguments.isEmpty || hasCode {
            throw ValidationError("\(mode) runs no script: leave out the script, -e, -l and -i")
        }
        guard ["text", "json", "markdown"].contains(planFormat) else {
            throw ValidationError("--plan-format must be text, json or markdown (got \(planFormat))")
        }
        if let maxDeletes, maxDeletes < 0 { throw ValidationError("--max-deletes must be 0 or more (got \(maxDeletes))") }
        if out != nil && mode != "--plan" { throw ValidationError("--out saves a plan: it goes with --plan") }
        if let apply, apply.hasSuffix(".json"), prune || adopt || maxDeletes != nil {
            throw ValidationError("--prune, --adopt and --max-deletes shape a plan: give them to --plan, not to --apply of a saved plan")
        }
        if detailedExitcode && mode != "--plan" { throw ValidationError("--detailed-exitcode goes with --plan") }
        if mode == "--export" {
            for (name, set) in [("--prune", prune), ("--adopt", adopt), ("--max-deletes", maxDeletes != nil),
                                ("--plan-format", planFormat != "text")] where set {
                throw ValidationError("\(name) shapes a plan: it goes with --plan or --apply, not --export")
            }
        } else {
            if collections != nil { throw ValidationError("--collections goes with --export") }
            if stack != nil { throw ValidationError("--stack goes with --export (an account file names its own stack)") }
        }
    }
}
