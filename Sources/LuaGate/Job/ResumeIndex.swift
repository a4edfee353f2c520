import Foundation
import NgrokAI

/// A mutating call as `--resume` matches it against the journal: `secrets` are the call's
/// secret values (compared only through the journal's digests, never written).
struct Change: Sendable {
    var kind: MutationKind
    var resource: String
    var id: String?
    var target: [String: JSONValue]
    var secrets: [String: JSONValue]

    /// The record a change of an existing record is about (a singleton's has no id).
    var record: String { "\(resource) \(id ?? "")" }

    /// Whether `entry` records this call: same operation, record and fields, and the same
    /// secret values (a line from before journals had digests matches any).
    func matches(_ entry: JournalEntry, secrets compared: Bool = true) -> Bool {
        guard entry.op == kind, entry.resourceName == resource, entry.requestID == (kind == .create ? nil : id),
              entry.target == target else { return false }
        guard compared, let digest = entry.secretDigest else { return true }
        return digest.matches(secrets)
    }
}

/// What an earlier run's journal says was done, for `--resume`.
///
/// Each `started` line and its outcome line (`ok`, `failed`, `unknown`; the one with the same
/// run and number, or in older journals the next of the same call) make one operation; a `started` line with no outcome (the run was killed) is in doubt, as is an
/// `unknown` outcome. Creates are counted by their fields (each journaled create matches one
/// call); changes of an existing record form that record's sequence, which calls match in
/// order (see `JobControl.resume`).
package struct ResumeIndex: Sendable {
    struct Operation: Sendable {
        /// The `started` line (or the outcome line, for one without: `drifted`).
        var started: JournalEntry
        var outcome: JournalEntry?

        var status: JournalEntry.Status { outcome?.status ?? .started }
        var inDoubt: Bool { status == .started || status == .unknown }
    }

    /// Creates by resource, in journal order.
    var creates: [String: [Operation]] = [:]
    /// Changes of existing records by record (`Change.record`), in journal order.
    var records: [String: [Operation]] = [:]

    init() {}

    init(_ entries: [JournalEntry]) {
        var operations: [Operation] = []
        // Indices into operations still waiting for their outcome: lines with a run and a
        // number by those, older lines by call.
        var numbered: [Numbered: Int] = [:]
        var open: [Call: [Int]] = [:]
        for entry in entries {
            let number = Numbered(entry)
            if entry.status == .started {
                if let number {
                    numbered[number] = operations.count
                } else {
                    open[Call(entry), default: []].append(operations.count)
                }
                operations.append(Operation(started: entry))
                continue
            }
            // A numbered outcome closes its own `started` line; an older one the newest open
            // operation of the same call (a resumed run's own `started` line is closed by its
            // own outcome, and a settled line by the one it settles).
            let slot = number.map { numbered.removeValue(forKey: $0) } ?? open[Call(entry)]?.popLast()
            if let slot {
                operations[slot].outcome = entry
            } else {
                operations.append(Operation(started: entry, outcome: entry))
            }
        }
        for operation in operations {
            let entry = operation.started
            if entry.op == .create {
                creates[entry.resourceName, default: []].append(operation)
            } else {
                records["\(entry.resourceName) \(entry.requestID ?? "")", default: []].append(operation)
            }
        }
        // An operation in doubt that the same call of a later run follows was settled by that
        // run (which sent it again): the later one stands for both. Within one run the same
        // call twice is two calls (lines without a run id are taken as from different runs).
        for (record, sequence) in records {
            var kept: [Operation] = []
            for operation in sequence {
                if let last = kept.last, last.inDoubt, last.started.run == nil || last.started.run != operation.started.run,
                   Self.same(last.started, operation.started, secrets: false) {
                    kept.removeLast()
                }
                kept.append(operation)
            }
            records[record] = kept
        }
    }

    /// Whether two lines are about the same call.
    private static func same(_ a: JournalEntry, _ b: JournalEntry, secrets: Bool = true) -> Bool {
        a.op == b.op && a.resourceName == b.resourceName && a.requestID == b.requestID && a.target == b.target
            && (!secrets || a.secretDigest == b.secretDigest)
    }

    /// What makes lines of one call alike (`same`, and the same Idempotency-Key), as a key.
    private struct Call: Hashable {
        var op: MutationKind
        var resource: String
        var id: String?
        var target: [String: JSONValue]
        var digest: SecretDigest?
        var idempotencyKey: String?

        init(_ entry: JournalEntry) {
            (op, resource, id, target, digest, idempotencyKey) =
                (entry.op, entry.resourceName, entry.requestID, entry.target, entry.secretDigest, entry.idempotencyKey)
        }
    }

    /// A line's run and number (`JournalEntry.run`, `seq`), when it has both.
    private struct Numbered: Hashable {
        var run: String
        var seq: Int

        init?(_ entry: JournalEntry) {
            guard let run = entry.run, let seq = entry.seq else { return nil }
            (self.run, self.seq) = (run, seq)
        }
    }
}

extension ResumeIndex {
    /// For the `journal` fuzz target: reads `data` as a journal and builds its index,
    /// stopping the process if the index breaks its own rules. Returns the entries read.
    @discardableResult
    package static func check(_ data: Data) -> Int {
        guard let entries = try? Journal.entries(in: data, path: "fuzz") else { return 0 }
        let index = ResumeIndex(entries)
        var operations = 0
        for (resource, sequence) in index.creates {
            for operation in sequence {
                precondition(operation.started.op == .create && operation.started.resourceName == resource)
            }
            operations += sequence.count
        }
        for (record, sequence) in index.records {
            for operation in sequence {
                let started = operation.started
                let change = Change(kind: started.op, resource: started.resourceName, id: started.requestID,
                                    target: started.target, secrets: [:])
                precondition(started.op != .create && change.record == record)
                precondition(change.matches(started, secrets: false))
                if let outcome = operation.outcome { precondition(outcome.status != .started) }
            }
            operations += sequence.count
        }
        precondition(operations <= entries.count)
        return entries.count
    }
}
