/// What `lua.c` takes from the command line beyond the parsed options: the
/// order of `-e`, `-l` and `-W` (they run in the order given), the script
/// and its position (for the `arg` table).
struct CommandLineSteps {
    enum Step: Equatable {
        case execute(String)
        case library(String)
        case warningsOn
    }

    var steps: [Step] = []
    /// Index in argv of the script, or nil without one.
    var scriptIndex: Int?
    /// The script name: a path, or nil for standard input (`-`).
    var script: String??

    /// Recovers the order of the steps from argv, given the parsed options.
    /// Every `-e`/`-l`/`-W` comes before the script, and `-e`/`-l` take one
    /// value, attached or next. `hiddenPrefix` arguments after argv[0] came
    /// from the environment: they are not in the `arg` table.
    init(argv: [String], options: RunOptions, hiddenPrefix: Int = 0) {
        defer { scriptIndex = scriptIndex.map { $0 - hiddenPrefix } }
        var rest = options.scriptAndArguments
        var index = argv.count - rest.count
        if rest.first == "--" {
            rest.removeFirst()
            index += 1
        }
        if let name = rest.first {
            scriptIndex = index
            let afterTerminator = index > 0 && argv[index - 1] == "--"
            script = (name == "-" && !afterTerminator) ? .some(nil) : .some(name)
        }
        let optionsEnd = argv.count - options.scriptAndArguments.count
        var i = 1
        while i < optionsEnd {
            let token = argv[i]
            i += 1
            if token == "-W" {
                steps.append(.warningsOn)
            } else if token == "-e" || token == "-l" {
                let value = i < optionsEnd ? argv[i] : ""
                i += 1
                steps.append(token == "-e" ? .execute(value) : .library(value))
            } else if token.hasPrefix("-e") && !token.hasPrefix("--") {
                steps.append(.execute(String(token.dropFirst(2))))
            } else if token.hasPrefix("-l") && !token.hasPrefix("--") {
                steps.append(.library(String(token.dropFirst(2))))
            }
            // Long options' values never look like these: the parser refuses
            // a dash-prefixed value for them.
        }
        // Should never differ; fall back to the parsed values in a fixed order.
        let parsed = steps.filter { $0 != .warningsOn }
        if parsed.count != options.execute.count + options.library.count {
            steps = options.library.map(Step.library) + options.execute.map(Step.execute)
                + (options.warnings ? [.warningsOn] : [])
        }
    }
}
