import Foundation
import LuaGate

/// `--report PATH`: the run's summary as JSON, and as one line on stderr.
struct JobReport: Encodable {
    var started: String
    var finished: String
    var dryRun: Bool
    var reads: Int
    var mutations: [String: Int]
    /// Successful mutations by resource and kind, e.g. `{"accessKeys": {"create": 2}}`.
    var resources: [String: [String: Int]]
    var failed: [JobControl.Failure]
    var exitStatus: Int32

    init(job: JobControl, started: Date, exitStatus: Int32) {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        self.started = started.formatted(style)
        finished = Date.now.formatted(style)
        dryRun = job.options.dryRun
        reads = job.reads
        let counts = job.mutations
        mutations = Dictionary(uniqueKeysWithValues: MutationKind.allCases.map { ($0.rawValue, counts[$0] ?? 0) })
        resources = job.mutationsByResource
        failed = job.failures
        self.exitStatus = exitStatus
    }

    func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try OutputFiles.write(encoder.encode(self) + Data("\n".utf8), to: path)
    }

    /// `report: 3 reads, 40 changes (update 40), 2 failed, dry run, exit 5`
    var line: String {
        let total = mutations.values.reduce(0, +)
        let kinds = mutations.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        var text = "report: \(reads) reads, \(total) changes"
        if !kinds.isEmpty { text += " (\(kinds.joined(separator: ", ")))" }
        text += ", \(failed.count) failed"
        if dryRun { text += ", dry run" }
        return text + ", exit \(exitStatus)"
    }
}
