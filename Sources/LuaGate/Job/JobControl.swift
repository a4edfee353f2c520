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
    /// What the journal showed done or in doubt when the run started, for `--resume`.
    private let earlier: ResumeIndex
    /// This run's id on its journal lines (`JournalEntry.run`).
    let run = String(SecretDigest.newSalt().prefix(16))
    private let state = NIOLockedValueBox(State())

    struct State {
        var admitted = 0
        var refused = false
        var reads = 0
        var mutations: [MutationKind: Int] = [:]
        var byResource: [String: [String: Int]] = [:]
        var failed: [Failure] = []
        var dryRunCount = 0
        /// The journaled creates this run has matched, by resource (indices into `earlier`).
        var takenCreates: [String: Set<Int>] = [:]
        /// Per record, where in its journaled sequence the next call is matched from; the
        /// sequence's length once a call was sent (everything after it is sent too).
        var cursors: [String: Int] = [:]
        /// Keys the journal shows created, or that this run matched to an
        /// in-doubt create: none is matched twice.
        var claimed: Set<String> = []
        /// This run's `started` lines with no outcome yet, by number.
        var open: [Int: JournalEntry] = [:]
        var opened = 0
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
            earlier = options.resume ? ResumeIndex(try Journal.read(path: path)) : ResumeIndex()
            journal = try Journal(path: path)
            var claimed: Set<String> = []
            for operation in earlier.creates.values.joined() where operation.status == .ok {
                if let id = operation.outcome?.id { claimed.insert(id) }
            }
            state.withLockedValue { $0.claimed = claimed }
        } else {
            earlier = ResumeIndex()
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

    /// What `--resume` does with a call.
    enum Resume {
        /// Not journaled as done: send it.
        case send
        /// Journaled as done (its `ok` line): skip it.
        case done(JournalEntry)
        /// Journaled as sent with no known outcome (its `started` line): settle it first.
        case settle(JournalEntry)
    }

    /// What the journal says of `change`, for `--resume`. Each journaled operation matches
    /// at most one call. Creates match by their fields (so a run that creates two keys alike
    /// skips only as many as the journal shows made). Changes of a record match that record's
    /// journaled sequence in order: a call matches the next operation like it, and once a call
    /// is sent (not journaled, failed, or out of order) every later call on the record is
    /// sent too, so a resumed run leaves each record as the script asks.
    func resume(_ change: Change) -> Resume {
        guard options.resume else { return .send }
        return state.withLockedValue { state in
            if change.kind == .create {
                let operations = earlier.creates[change.resource] ?? []
                let taken = state.takenCreates[change.resource, default: []]
                func next(_ wanted: (ResumeIndex.Operation) -> Bool) -> Int? {
                    operations.indices.first { !taken.contains($0) && wanted(operations[$0]) && change.matches(operations[$0].started) }
                }
                if let i = next({ $0.status == .ok }) {
                    state.takenCreates[change.resource, default: []].insert(i)
                    return .done(operations[i].outcome!)
                }
                if let i = next(\.inDoubt) {
                    state.takenCreates[change.resource, default: []].insert(i)
                    return .settle(operations[i].started)
                }
                return .send
            }
            let sequence = earlier.records[change.record] ?? []
            let cursor = state.cursors[change.record] ?? 0
            guard let j = (min(cursor, sequence.count)..<sequence.count).first(where: { change.matches(sequence[$0].started) }) else {
                state.cursors[change.record] = sequence.count
                return .send
            }
            switch sequence[j].status {
            case .ok:
                state.cursors[change.record] = j + 1
                return .done(sequence[j].outcome!)
            case .started, .unknown:
                state.cursors[change.record] = j + 1
                return .settle(sequence[j].started)
            case .failed, .drifted:
                state.cursors[change.record] = sequence.count
                return .send
            }
        }
    }

    /// A settled call was sent again: every later call on its record is sent too.
    func diverge(_ change: Change) {
        guard options.resume, change.kind != .create else { return }
        let count = earlier.records[change.record]?.count ?? 0
        state.withLockedValue { $0.cursors[change.record] = count }
    }

    /// Claims a key as the result of an in-doubt create; false if the journal
    /// or an earlier claim already accounts for it.
    func claim(_ id: String) -> Bool {
        state.withLockedValue { $0.claimed.insert(id).inserted }
    }

    /// Journals a `started` line and returns once it is durable, with the number that
    /// `conclude` takes; throws (and nothing may be sent) when it cannot be written, or when
    /// the end of the run took the change as in flight before its line was durable (`finish`
    /// journaled it `unknown` and closed the journal: too late to send it).
    func begin(_ entry: JournalEntry) async throws(JournalError) -> Int? {
        guard let journal else { return nil }
        // Numbered, marked open and queued in one step: `finish` either sees the change open
        // (and its `started` line queued ahead of its own) or runs before it, and then the
        // closed journal refuses the line.
        let (number, result): (Int, Result<Void, JournalError>) = await withCheckedContinuation { continuation in
            state.withLockedValue { state in
                state.opened += 1
                let number = state.opened
                var line = entry
                line.run = run
                line.seq = number
                state.open[number] = line
                journal.enqueue(line) { continuation.resume(returning: (number, $0)) }
            }
        }
        let open = state.withLockedValue { state in
            if case .failure = result { return state.open.removeValue(forKey: number) != nil }
            return state.open[number] != nil
        }
        try result.get()
        guard open else {
            throw JournalError(
                "the run ended before the change was sent (the journal \(journal.path) shows it unknown)", endOfRun: true)
        }
        return number
    }

    /// Journals the outcome of the operation `begin` numbered (or a line of its own, for
    /// nil), unless the end of the run has already written it as `unknown` (then false:
    /// the outcome and its count are the end's).
    @discardableResult
    func conclude(_ number: Int?, _ entry: JournalEntry) async throws(JournalError) -> Bool {
        guard let journal else { return true }
        // Taken off the open set and queued in one step: `finish` either sees the operation
        // open or finds its line queued ahead of its own.
        var entry = entry
        entry.run = run
        entry.seq = number
        let line = entry
        let result: Result<Void, JournalError>? = await withCheckedContinuation { continuation in
            let queued = state.withLockedValue { state in
                if let number, state.open.removeValue(forKey: number) == nil { return false }
                journal.enqueue(line) { continuation.resume(returning: $0) }
                return true
            }
            if !queued { continuation.resume(returning: nil) }
        }
        guard let result else { return false }
        try result.get()
        return true
    }

    /// At the end of the run (after a stop let requests in flight finish or cancelled them):
    /// journals every change still without an outcome as `unknown`, counts it as failed, and
    /// closes the journal.
    public func finish() {
        guard let journal else { return }
        let open = state.withLockedValue { state in
            defer { state.open = [:] }
            return state.open.sorted { $0.key < $1.key }.map(\.value)
        }
        for var entry in open {
            entry.time = Journal.now()
            entry.status = .unknown
            entry.error = "the run ended while the request was in flight, so the outcome is unknown"
            failed(entry.op, resource: entry.resourceName, id: entry.id, error: entry.error!)
            do {
                try journal.writeNow(entry)
            } catch {
                options.logger?.error("\(error)")
            }
        }
        journal.close()
    }

    /// How many changes have a `started` line (queued or durable) and no outcome yet.
    var openChanges: Int { state.withLockedValue { $0.open.count } }

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
