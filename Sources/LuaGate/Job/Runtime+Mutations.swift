import Foundation
import LuaKit
import NgrokAI
import NIOConcurrencyHelpers

/// Every mutating call (`create`, `update`, `delete`, actions such as `rotate`, of any
/// resource) goes through `mutate`, which applies the job's rules in order: `--resume` skips
/// what the journal shows done and settles what it shows in doubt (`settle`); `--max-changes`
/// refuses what exceeds the budget; `--dry-run` sends nothing and returns what the record
/// would look like; otherwise the journal gets a `started` line (durable before the request
/// is sent; a change that cannot be journaled is not sent), the request is sent, and an
/// `ok`, `failed` or `unknown` line follows from the thread that got the response. Counts
/// for the report are kept throughout. `target` never holds a secret; `body`'s secret
/// values reach the journal only as a salted digest.
extension Runtime {
    func mutate(
        _ call: LuaCall, _ kind: MutationKind, _ resource: Resource, id: String?, target: [String: JSONValue],
        body: [String: JSONValue]? = nil,
        operation: String, argument: @escaping (String?) -> Int32, expect: [String: JSONValue]? = nil,
        before known: [String: JSONValue]? = nil, targetIsWhole: Bool = false,
        send: @escaping @Sendable (NgrokAIClient) async throws -> [String: JSONValue]?
    ) throws -> LuaReturn {
        // With `expect`, a record that already holds every value of `target` (the whole
        // change: `targetIsWhole`) is left as it is: nothing is sent, and the call returns
        // the record and "unchanged" (someone made the same change, or a plan ran twice).
        let held = NIOLockedValueBox(false)
        let push: (LuaStack, [String: JSONValue]?) -> Int32 = { stack, record in
            if let record {
                let n = Record.push(resource, record, onto: stack)
                guard held.withLockedValue({ $0 }) else { return n }
                stack.push("unchanged")
                return n + 1
            }
            stack.push(true)
            return 1
        }
        let job = self.job
        let logger = job.options.logger
        let name = resource.name
        // The call's secret values: what the body holds that the journaled target does not.
        let change = Change(
            kind: kind, resource: name, id: id, target: target, secrets: (body ?? [:]).filter { target[$0.key] != $0.value })
        let digest = job.journal.flatMap { SecretDigest.of(change.secrets, salt: $0.salt) }
        let journaled: @Sendable (String?, JSONValue?, JSONValue?, JournalEntry.Status, String?) -> JournalEntry = { id, before, after, status, error in
            JournalEntry(
                time: Journal.now(), resource: name, op: kind, id: id, target: target, secretDigest: digest,
                before: before.map { UnknownFieldValues.hidden($0, resource) },
                after: after.map { UnknownFieldValues.hidden(Shape.withoutSecrets($0, fields: resource.fields), resource) },
                status: status, error: error)
        }
        // Journals an outcome; true unless the end of the run already wrote it. A line that
        // cannot be written fails the run (the change itself was made or refused as it says).
        let note: @Sendable (Int?, JournalEntry) async -> Bool = { number, entry in
            do {
                return try await job.conclude(number, entry)
            } catch {
                let text = "journal: \(error); the outcome (\(entry.status)) is not journaled"
                job.failed(kind, resource: name, id: entry.id ?? id, error: text)
                logger?.error("\(text)", metadata: ["op": "\(kind)", "resource": "\(name)", "id": "\(entry.id ?? id ?? "")"])
                return true
            }
        }
        let doubt: JournalEntry?
        switch job.resume(change) {
        case .done(let entry):
            logger?.notice("skipped (already done per journal)", metadata: ["op": "\(kind)", "resource": "\(name)", "id": "\(entry.id ?? "")"])
            return .results(push(call.stack, kind == .delete ? nil : entry.after?.objectValue))
        case .settle(let entry): doubt = entry
        case .send: doubt = nil
        }
        do {
            try job.admit(kind, id: id, operation: operation)
        } catch {
            throw ErrorObject(error: error)
        }
        // A change computed from values read earlier (`expect`) is not sent if they moved;
        // true: the record already holds the change, so it is not sent either.
        let drifted: @Sendable ([String: JSONValue]?, JSONValue?) async throws -> Bool = { current, before in
            guard let expect, let current else { return false }
            if targetIsWhole, !target.isEmpty, target.allSatisfy({ (current[$0.key] ?? .null) == $0.value }) {
                held.withLockedValue { $0 = true }
                logger?.info("not changed: already holds the change", metadata: ["op": "\(kind)", "resource": "\(name)", "id": "\(id ?? "")"])
                return true
            }
            guard let drift = DriftError.check(expect, current: current, operation: operation, id: id) else { return false }
            let text = "\(drift.error.code): \(drift.error.message)"
            _ = await note(nil, journaled(id, before, nil, .drifted, text))
            job.failed(kind, resource: name, id: id, error: text)
            logger?.notice("not changed: \(drift.error.message)", metadata: ["op": "\(kind)", "resource": "\(name)", "id": "\(id ?? "")"])
            throw drift
        }
        if job.options.dryRun {
            return try request(call, argument: argument, { client in
                let current = try await Self.current(kind, resource, id: id, client: client, job: job)
                if try await drifted(current, nil) { return current }
                let result = Self.simulate(kind, resource, current: current, target: target, job: job)
                logger?.notice("\(Self.describe(kind, resource, id: id, current: current, target: target))")
                job.succeeded(kind, resource: name)
                return result
            }, push: push)
        }
        return try request(call, argument: argument, { client in
            if let doubt {
                let settled: Settled
                do {
                    settled = try await Self.settle(change, resource, doubt: doubt, whole: targetIsWhole, client: client, job: job)
                } catch {
                    // Nothing was sent; the journal still shows the change in doubt for the next run.
                    job.failed(kind, resource: name, id: id, error: "\(error)")
                    throw error
                }
                if case .done(let record) = settled {
                    var line = journaled(record?["id"]?.stringValue ?? id, nil, record.map { .object($0) }, .ok, nil)
                    line.secretDigest = doubt.secretDigest  // the outcome of the doubtful line
                    _ = await note(nil, line)
                    job.succeeded(kind, resource: name)
                    logger?.notice(kind == .create ? "not created again: the record an interrupted run created"
                                                   : "not sent again: the record holds the change an interrupted run sent",
                                   metadata: ["op": "\(kind)", "resource": "\(name)", "id": "\(record?["id"]?.stringValue ?? id ?? "")"])
                    return record
                }
                job.diverge(change)
            }
            var before: JSONValue?
            if expect != nil {
                // One read serves both the drift check and the journal's `before`.
                let current = try await Self.current(kind, resource, id: id, client: client, job: job)
                before = current.map { .object($0) }
                if try await drifted(current, before) { return current }
            } else if let known {
                before = Shape.withoutSecrets(.object(known), fields: resource.fields)  // the caller's own read
            } else if job.journal != nil {
                before = try? await Self.current(kind, resource, id: id, client: client, job: job).map { .object($0) }
            }
            let number: Int?
            do {
                number = try await job.begin(journaled(id, before, nil, .started, nil))
            } catch {
                let refusal = NgrokAIError(code: "journal", message: "\(error); the change was not sent", operation: operation, id: id)
                // A change the end of the run took as in flight is counted there.
                if (error as? JournalError)?.endOfRun != true { job.failed(kind, resource: name, id: id, error: "\(refusal)") }
                logger?.error("\(refusal)")
                throw refusal
            }
            do {
                let record = try await send(client)
                _ = await note(number, journaled(id ?? record?["id"]?.stringValue, before, record.map { .object($0) }, .ok, nil))
                job.succeeded(kind, resource: name)
                logger?.debug("mutation ok", metadata: ["op": "\(kind)", "resource": "\(name)", "id": "\(id ?? record?["id"]?.stringValue ?? "")"])
                return record
            } catch let error as NgrokAIError where doubt != nil && kind == .delete && error.status == 404 {
                // The interrupted run's delete went through.
                _ = await note(number, journaled(id, before, nil, .ok, nil))
                job.succeeded(kind, resource: name)
                logger?.notice("already deleted by an interrupted run", metadata: ["op": "delete", "resource": "\(name)", "id": "\(id ?? "")"])
                return nil
            } catch {
                let text = "\(error)"
                let status: JournalEntry.Status = Self.outcomeUnknown(error, idempotent: kind == .delete) ? .unknown : .failed
                if await note(number, journaled(id, before, nil, status, text)) {
                    job.failed(kind, resource: name, id: id, error: text)
                }
                logger?.info("mutation failed", metadata: ["op": "\(kind)", "resource": "\(name)", "id": "\(id ?? "")", "error": "\(text)"])
                throw error
            }
        }, push: push)
    }

    /// Whether a failed request may still have been applied: it was sent and no answer
    /// says otherwise (the connection was lost or timed out after it went out, the run
    /// cancelled it, a success answer could not be read, or a 5xx answered a request that is
    /// not `idempotent`: a gateway's 502 or 504 can come after the change was made). Any
    /// other error status is the API's refusal, and a request that never left (validation,
    /// no connection) is not in doubt.
    static func outcomeUnknown(_ error: any Error, idempotent: Bool) -> Bool {
        if error is CancellationError { return true }
        guard let error = error as? NgrokAIError else { return false }
        if let status = error.status { return (200..<300).contains(status) || (!idempotent && (500..<600).contains(status)) }
        switch error.code {
        case NgrokAIError.Code.network, NgrokAIError.Code.timeout, NgrokAIError.Code.cancelled: return error.attempts > 0
        default: return false
        }
    }

    enum Settled {
        /// The change was made: the record as it is now (nil: deleted).
        case done([String: JSONValue]?)
        /// Not known to be made: send it again.
        case send
    }

    /// Settles a change an earlier run sent without learning its outcome (`doubt`, its
    /// `started` line):
    /// - a create is done if the record it made is found by its fields (`madeByEarlierRun`);
    /// - an update whose every field is journaled (no secret value) is done if the record
    ///   holds them all;
    /// - a delete is sent again, and a 404 then means done;
    /// - an action such as `rotate` is sent again: its value cannot be read back, and sending
    ///   the same value twice leaves the record as asked.
    private static func settle(
        _ change: Change, _ resource: Resource, doubt: JournalEntry, whole: Bool, client: NgrokAIClient, job: JobControl
    ) async throws -> Settled {
        switch change.kind {
        case .create:
            return try await madeByEarlierRun(resource, target: change.target, doubt: doubt, client: client, job: job)
                .map { .done($0) } ?? .send
        case .update where whole && change.secrets.isEmpty:
            guard let current = try await Self.current(.update, resource, id: change.id, client: client, job: job),
                  shows(current, change.target, resource) else { return .send }
            return .done(current)
        default:
            return .send
        }
    }

    /// How far the API's clock may be behind ours when matching an
    /// interrupted create to the record it made.
    static let clockSkew: TimeInterval = 600

    /// The record an interrupted run's create made, if it made one: a record with the call's
    /// fields (as records show them), created no earlier than shortly before the journal's
    /// `started` line, and not already accounted for. Lists are newest first, so the search
    /// stops at older records.
    private static func madeByEarlierRun(
        _ resource: Resource, target: [String: JSONValue], doubt: JournalEntry, client: NgrokAIClient, job: JobControl
    ) async throws -> [String: JSONValue]? {
        guard let started = Journal.date(doubt.time) else { return nil }
        let earliest = started.addingTimeInterval(-clockSkew)
        var parameters: [String: JSONValue] = [:]
        for filter in resource.listFilters {
            if let value = target[filter.name] ?? target[filter.name + "Id"] { parameters[filter.name] = value }
        }
        var page = try await client.list(resource, parameters: parameters)
        while true {
            job.countRead()
            for record in page.records {
                guard let created = record["createdAt"]?.stringValue.flatMap(Journal.date) else { continue }
                if created < earliest { return nil }
                if Self.shows(record, target, resource), let id = record["id"]?.stringValue, job.claim(id) { return record }
            }
            guard let next = page.nextPageURI else { return nil }
            page = try await client.list(resource, nextPageURI: next)
        }
    }

    /// Whether `record` shows the values of `target` (a reference shown as `{id, …}` by its id).
    private static func shows(_ record: [String: JSONValue], _ target: [String: JSONValue], _ resource: Resource) -> Bool {
        target.allSatisfy { name, value in
            if let shownAs = resource.field(name)?.reference?.shownAs {
                return (record[shownAs]?["id"] ?? .null) == value
            }
            guard resource.field(name)?.inRecord != false else { return true }
            return (record[name] ?? .null) == value
        }
    }

    /// The record as it is now (none for `create`).
    private static func current(
        _ kind: MutationKind, _ resource: Resource, id: String?, client: NgrokAIClient, job: JobControl
    ) async throws -> [String: JSONValue]? {
        guard kind != .create, id != nil || resource.kind == .singleton else { return nil }
        job.countRead()
        return try await client.get(resource, id: id)
    }

    /// What the record would look like after the mutation (nil: deleted).
    private static func simulate(
        _ kind: MutationKind, _ resource: Resource, current: [String: JSONValue]?, target: [String: JSONValue], job: JobControl
    ) -> [String: JSONValue]? {
        switch kind {
        case .delete: return nil
        case .create:
            var fields = target.filter { !$0.value.isNull }
            fields["id"] = .string("dry-run-\(job.nextDryRunID())")
            if resource.field("keyRedacted") != nil { fields["keyRedacted"] = .string("(dry run)") }
            return fields
        default:
            guard var fields = current else { return current }
            for (field, value) in target { fields[field] = value.isNull ? nil : value }
            return fields
        }
    }

    /// `would update aigpk_1: name "a" → "b", description "x" → null`
    private static func describe(
        _ kind: MutationKind, _ resource: Resource, id: String?, current: [String: JSONValue]?, target: [String: JSONValue]
    ) -> String {
        let changes = target.keys.sorted().map { field in
            let old = current?[field].map(show) ?? (kind == .create ? "" : "null")
            let new = show(target[field]!)
            return kind == .create ? "\(field) \(new)" : "\(field) \(old) → \(new)"
        }
        let what = id ?? (kind == .create
            ? (resource.name == Resource.providerKeys.name ? "a key" : "a new \(resource.singular)") : resource.name)
        return "would \(kind) \(what)" + (changes.isEmpty ? "" : ": " + changes.joined(separator: ", "))
    }

    static func show(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .string(let s): return "\"\(s)\""
        default:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "\(value)"
        }
    }
}

/// An update refused because the record changed since the values it was computed from were
/// read: `error` has code `drift`; `current` is the record as it is now.
struct DriftError: Error {
    var error: NgrokAIError
    var current: [String: JSONValue]

    /// The drift of `current` from `expect` (field → value the change was computed from,
    /// `.null` for absent), or nil when every field still holds its expected value.
    static func check(
        _ expect: [String: JSONValue], current: [String: JSONValue], operation: String, id: String?
    ) -> DriftError? {
        let moved = expect.keys.sorted().filter { (current[$0] ?? .null) != expect[$0]! }
        guard !moved.isEmpty else { return nil }
        let what = moved.map { field in
            "\(field) is now \(Runtime.show(current[field] ?? .null)) (the change expected \(Runtime.show(expect[field]!)))"
        }
        var error = NgrokAIError(
            code: "drift", message: "changed since the change was computed, so it was not sent: " + what.joined(separator: ", "),
            operation: operation, id: id)
        error.field = moved.first
        return DriftError(error: error, current: current)
    }
}
