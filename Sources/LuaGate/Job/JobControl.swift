import Foundation
import Logging
import NgrokAI
import NIOConcurrencyHelpers

/// What a run did and may still do: the mutation budget (`--max-changes`),
/// dry runs, the journal, and the counts behind `--report` and the exit status.
/// Counts are updated from the threads that run requests.
public final class JobControl: Sendable {
    public let options: JobOptions
    public let journal: Journal?
    /// Successful mutations recorded by an earlier run, for `--resume`, in
    /// journal order under their resume key.
    private let done: [String: [JournalEntry]]
    /// Mutations an earlier run started but recorded no outcome for (it was
    /// killed while they were in flight), for `--resume`, by resume key.
    private let inDoubt: [String: [JournalEntry]]
    private let state = NIOLockedValueBox(State())

    struct State {
        var admitted = 0
        var refused = false
        var reads = 0
        var mutations: [MutationKind: Int] = [:]
        var byResource: [String: [String: Int]] = [:]
        var failed: [Failure] = []
        var dryRunCount = 0
        /// How many journaled creates of each resume key this run has skipped.
        var resumedCreates: [String: Int] = [:]
        /// How many in-doubt mutations of each resume key this run has taken up.
        var resumedDoubts: [String: Int] = [:]
        /// Keys the journal shows created, or that this run matched to an
        /// in-doubt create: none is matched twice.
        var claimed: Set<String> = []
    }

    /// A mutation that failed: `{op, id, error}` in the report.
    public struct Failure: Codable, Sendable {
        public var resource: String
        public var op: MutationKind
        public var id: String?
        public var error: String
    }

    public init(options: JobOptions) throws {
        self.options = options
        if let path = options.journalPath {
            var done: [String: [JournalEntry]] = [:]
            var open: [String: [JournalEntry]] = [:]
            var claimed: Set<String> = []
            if options.resume {
                for entry in try Journal.read(path: path) {
                    let key = Self.resumeKey(entry.op, entry.resourceName, entry.requestID, entry.target)
                    guard entry.status != .started else {
                        open[key, default: []].append(entry)
                        continue
                    }
                    if open[key]?.isEmpty == false { open[key]!.removeFirst() }
                    if entry.status == .ok {
                        done[key, default: []].append(entry)
                        if entry.op == .create, let id = entry.id { claimed.insert(id) }
                    }
                }
            }
            self.done = done
            inDoubt = open.filter { !$0.value.isEmpty }
            journal = try Journal(path: path)
            state.withLockedValue { $0.claimed = claimed }
        } else {
            done = [:]
            inDoubt = [:]
            journal = nil
        }
    }

    /// Admits one more mutation, or throws the `--max-changes` refusal.
    func admit(_ kind: MutationKind, id: String?, operation: String) throws(NgrokAIError) {
        try state.withLockedValue { state -> Result<Void, NgrokAIError> in
            if let max = options.maxChanges, state.admitted + 1 > max {
                state.refused = true
                return .failure(Self.refusal(max: max, wanted: state.admitted + 1, operation: operation, id: id))
            }
            state.admitted += 1
            return .success(())
        }.get()
    }

    /// Checks that `count` more mutations fit the budget (plans call this with their size).
    public func reserve(_ count: Int, operation: String) throws(NgrokAIError) {
        try state.withLockedValue { state -> Result<Void, NgrokAIError> in
            if let max = options.maxChanges, state.admitted + count > max {
                state.refused = true
                return .failure(Self.refusal(max: max, wanted: state.admitted + count, operation: operation, id: nil))
            }
            return .success(())
        }.get()
    }

    private static func refusal(max: Int, wanted: Int, operation: String, id: String?) -> NgrokAIError {
        NgrokAIError(
            code: "max_changes",
            message: "--max-changes \(max): refusing to make \(wanted) changes in this run; nothing more is sent",
            operation: operation, id: id)
    }

    /// The journaled result of this mutation in an earlier run, for `--resume`.
    ///
    /// Updates, deletes and rotations are done once their id and target values
    /// are; creates are counted, so a run that creates two keys alike skips
    /// only as many as the journal shows created.
    func alreadyDone(_ kind: MutationKind, resource: String, id: String?, target: [String: JSONValue]) -> JournalEntry? {
        guard options.resume else { return nil }
        let key = Self.resumeKey(kind, resource, id, target)
        guard let entries = done[key] else { return nil }
        guard kind == .create else { return entries.last }
        return take(entries, key: key, counted: \.resumedCreates)
    }

    /// An earlier run's `started` line with no outcome for this mutation, if
    /// one is left: the change may or may not have been made. Each is taken once.
    func takeInDoubt(_ kind: MutationKind, resource: String, id: String?, target: [String: JSONValue]) -> JournalEntry? {
        guard options.resume else { return nil }
        let key = Self.resumeKey(kind, resource, id, target)
        guard let entries = inDoubt[key] else { return nil }
        return take(entries, key: key, counted: \.resumedDoubts)
    }

    /// The next of `entries` this run has not taken yet, counted in `counter`.
    private func take(
        _ entries: [JournalEntry], key: String, counted counter: WritableKeyPath<State, [String: Int]> & Sendable
    ) -> JournalEntry? {
        state.withLockedValue { state in
            let taken = state[keyPath: counter][key, default: 0]
            guard taken < entries.count else { return nil }
            state[keyPath: counter][key] = taken + 1
            return entries[taken]
        }
    }

    /// Claims a key as the result of an in-doubt create; false if the journal
    /// or an earlier claim already accounts for it.
    func claim(_ id: String) -> Bool {
        state.withLockedValue { $0.claimed.insert(id).inserted }
    }

    private static func resumeKey(_ kind: MutationKind, _ resource: String, _ id: String?, _ target: [String: JSONValue]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let fields = (try? encoder.encode(target)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return "\(resource) \(kind.rawValue) \(id ?? "") \(fields)"
    }

    func nextDryRunID() -> Int {
        state.withLockedValue {
            $0.dryRunCount += 1
            return $0.dryRunCount
        }
    }

    func countRead(_ n: Int = 1) { state.withLockedValue { $0.reads += n } }

    func succeeded(_ kind: MutationKind, resource: String) {
        state.withLockedValue {
            $0.mutations[kind, default: 0] += 1
            $0.byResource[resource, default: [:]][kind.rawValue, default: 0] += 1
        }
    }

    func failed(_ kind: MutationKind, resource: String, id: String?, error: String) {
        state.withLockedValue { $0.failed.append(Failure(resource: resource, op: kind, id: id, error: error)) }
    }

    /// True once `--max-changes` refused a mutation (exit status 3).
    public var refusedChanges: Bool { state.withLockedValue { $0.refused } }
    /// The mutations that failed, whether or not the script caught the error (exit status 5).
    public var failures: [Failure] { state.withLockedValue { $0.failed } }
    public var reads: Int { state.withLockedValue { $0.reads } }
    public var mutations: [MutationKind: Int] { state.withLockedValue { $0.mutations } }
    /// Successful mutations by resource and kind.
    public var mutationsByResource: [String: [String: Int]] { state.withLockedValue { $0.byResource } }
}
