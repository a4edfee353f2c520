import Foundation
import LuaKit
import NgrokAI
import NIOConcurrencyHelpers

/// Every mutating call (`create`, `update`, `delete`, actions such as `rotate`, of any
/// resource) goes through `mutate`, which applies the job's rules in order: `--resume` skips
/// what the journal shows done (and settles what it shows in doubt, see `madeByEarlierRun`);
/// `--max-changes` refuses what exceeds the budget; `--dry-run` sends nothing and returns what
/// the record would look like; otherwise the journal gets a `started` line, the request is
/// sent, and an `ok` or `failed` line follows. Counts for the report are kept throughout.
/// `target` never holds a secret.
extension Runtime {
    func mutate(
        _ call: LuaCall, _ kind: MutationKind, _ resource: Resource, id: String?, target: [String: JSONValue],
        operation: String, argument: @escaping (String?) -> Int32, expect: [String: JSONValue]? = nil,
        targetIsWhole: Bool = false,
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
        let journaled: @Sendable (String?, JSONValue?, JSONValue?, JournalEntry.Status, String?) -> JournalEntry = { id, before, after, status, error in
            JournalEntry(
                time: Journal.now(), resource: name, op: kind, id: id, target: target, before: before,
                after: after.map { Shape.withoutSecrets($0, fields: resource.fields) }, status: status, error: error)
        }
        if let entry = job.alreadyDone(kind, resource: name, id: id, target: target) {
            logger?.notice("skipped (already done per journal)", metadata: ["op": "\(kind)", "resource": "\(name)", "id": "\(entry.id ?? "")"])
            return .results(push(call.stack, kind == .delete ? nil : entry.after?.objectValue))
        }
        do {
            try job.admit(kind, id: id, operation: operation)
        } catch {
            throw ErrorObject(error: error)
        }
        // A change computed from values read earlier (`expect`) is not sent if they moved;
        // true: the record already holds the change, so it is not sent either.
        let drifted: @Sendable ([String: JSONValue]?, JSONValue?) throws -> Bool = { current, before in
            guard let expect, let current else { return false }
            if targetIsWhole, !target.isEmpty, target.allSatisfy({ (current[$0.key] ?? .null) == $0.value }) {
                held.withLockedValue { $0 = true }
                logger?.info("not changed: already holds the change", metadata: ["op": "\(kind)", "resource": "\(name)", "id": "\(id ?? "")"])
                return true
            }
            guard let drift = DriftError.check(expect, current: current, operation: operation, id: id) else { return false }
            let text = "\(drift.error.code): \(drift.error.message)"
            job.journal?.append(journaled(id, before, nil, .drifted, text))
            job.failed(kind, resource: name, id: id, error: text)
            logger?.notice("not changed: \(drift.error.message)", metadata: ["op": "\(kind)", "resource": "\(name)", "id": "\(id ?? "")"])
            throw drift
        }
        if job.options.dryRun {
            return try request(call, argument: argument, { client in
                let current = try await Self.current(kind, resource, id: id, client: client, job: job)
                if try drifted(current, nil) { return current }
                let result = Self.simulate(kind, resource, current: current, target: target, job: job)
                logger?.notice("\(Self.describe(kind, resource, id: id, current: current, target: target))")
                job.succeeded(kind, resource: name)
                return result
            }, push: push)
        }
        let doubt = job.takeInDoubt(kind, resource: name, id: id, target: target)
        return try request(call, argument: argument, { client in
            if kind == .create, let doubt,
               let made = try await Self.madeByEarlierRun(resource, target: target, doubt: doubt, client: client, job: job) {
                job.journal?.append(journaled(made["id"]?.stringValue, nil, .object(made), .ok, nil))
                logger?.notice("not created again: the record an interrupted run created",
                               metadata: ["op": "create", "resource": "\(name)", "id": "\(made["id"]?.stringValue ?? "")"])
                return made
            }
            var before: JSONValue?
            if expect != nil {
                // One read serves both the drift check and the journal's `before`.
                let current = try await Self.current(kind, resource, id: id, client: client, job: job)
                before = current.map { .object($0) }
                if try drifted(current, before) { return current }
            } else if job.journal != nil {
                before = try? await Self.current(kind, resource, id: id, client: client, job: job).map { .object($0) }
            }
            job.journal?.append(journaled(id, before, nil, .started, nil))
            do {
                let record = try await send(client)
                job.journal?.append(journaled(id ?? record?["id"]?.stringValue, before, record.map { .object($0) }, .ok, nil))
                job.succeeded(kind, resource: name)
                logger?.debug("mutation ok", metadata: ["op": "\(kind)", "resource": "\(name)", "id": "\(id ?? record?["id"]?.stringValue ?? "")"])
                return record
            } catch let error as NgrokAIError where doubt != nil && kind == .delete && error.status == 404 {
                // The interrupted run's delete went through.
                job.journal?.append(journaled(id, before, nil, .ok, nil))
                logger?.notice("already deleted by an interrupted run", metadata: ["op": "delete", "resource": "\(name)", "id": "\(id ?? "")"])
                return nil
            } catch {
                let text = "\(error)"
                job.journal?.append(journaled(id, before, nil, .failed, text))
                job.failed(kind, resource: name, id: id, error: text)
                logger?.info("mutation failed", metadata: ["op": "\(kind)", "resource": "\(name)", "id": "\(id ?? "")", "error": "\(text)"])
                throw error
            }
        }, push: push)
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
