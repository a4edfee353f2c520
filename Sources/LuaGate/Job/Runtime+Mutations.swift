import Foundation
import LuaKit
import NgrokAI

/// Every mutating call (`update`, `create`, `delete`, `rotate`) goes through
/// `mutate`, which applies the job's rules in order: `--resume` skips what the
/// journal shows done (and settles what it shows in doubt, see
/// `madeByEarlierRun`); `--max-changes` refuses what exceeds the budget;
/// `--dry-run` sends nothing and returns what the record would look like;
/// otherwise the journal gets a `started` line, the request is sent, and an
/// `ok` or `failed` line follows. Counts for the report are kept throughout.
extension Runtime {
    func mutate(
        _ call: LuaCall, _ kind: MutationKind, id: String?, target: [String: JSONValue], operation: String,
        argument: @escaping (String?) -> Int32,
        send: @escaping @Sendable (NgrokAIClient) async throws -> ProviderKey?
    ) throws -> LuaReturn {
        let push: (LuaStack, ProviderKey?) -> Int32 = { stack, key in
            if let key { return Record.push(key, onto: stack) }
            stack.push(true)
            return 1
        }
        let job = self.job
        let logger = job.options.logger
        if let entry = job.alreadyDone(kind, id: id, target: target) {
            logger?.notice("skipped (already done per journal)", metadata: ["op": "\(kind.rawValue)", "id": "\(entry.id ?? "")"])
            return .results(push(call.stack, entry.after.flatMap { try? ProviderKey(json: $0) }))
        }
        do {
            try job.admit(kind, id: id, operation: operation)
        } catch {
            throw ErrorObject(error: error)
        }
        if job.options.dryRun {
            return try request(call, argument: argument, { client in
                let current = try await Self.current(kind, id: id, client: client, job: job)
                let result = Self.simulate(kind, current: current, target: target, job: job)
                logger?.notice("\(Self.describe(kind, id: id, current: current, target: target))")
                job.succeeded(kind)
                return result
            }, push: push)
        }
        let doubt = job.takeInDoubt(kind, id: id, target: target)
        return try request(call, argument: argument, { client in
            if kind == .create, let doubt,
               let made = try await Self.madeByEarlierRun(target: target, doubt: doubt, client: client, job: job) {
                job.journal?.append(JournalEntry(
                    time: Journal.now(), op: kind, id: made.id, target: target, after: .object(made.fields), status: .ok))
                logger?.notice("not created again: the key an interrupted run created", metadata: ["op": "create", "id": "\(made.id)"])
                return made
            }
            var before: JSONValue?
            if let journal = job.journal {
                before = try? await Self.current(kind, id: id, client: client, job: job).map { .object($0.fields) }
                journal.append(JournalEntry(
                    time: Journal.now(), op: kind, id: id, target: target, before: before, status: .started))
            }
            do {
                let key = try await send(client)
                job.journal?.append(JournalEntry(
                    time: Journal.now(), op: kind, id: id ?? key?.id, target: target, before: before,
                    after: key.map { .object($0.fields) }, status: .ok))
                job.succeeded(kind)
                logger?.debug("mutation ok", metadata: ["op": "\(kind.rawValue)", "id": "\(id ?? key?.id ?? "")"])
                return key
            } catch let error as NgrokAIError where doubt != nil && kind == .delete && error.status == 404 {
                // The interrupted run's delete went through.
                job.journal?.append(JournalEntry(
                    time: Journal.now(), op: kind, id: id, target: target, before: before, status: .ok))
                logger?.notice("already deleted by an interrupted run", metadata: ["op": "delete", "id": "\(id ?? "")"])
                return nil
            } catch {
                let text = "\(error)"
                job.journal?.append(JournalEntry(
                    time: Journal.now(), op: kind, id: id, target: target, before: before, status: .failed, error: text))
                job.failed(kind, id: id, error: text)
                logger?.info("mutation failed", metadata: ["op": "\(kind.rawValue)", "id": "\(id ?? "")", "error": "\(text)"])
                throw error
            }
        }, push: push)
    }

    /// How far the API's clock may be behind ours when matching an
    /// interrupted create to the key it made.
    static let clockSkew: TimeInterval = 600

    /// The key an interrupted run's create made, if it made one: a key of the
    /// same provider with the call's fields, created no earlier than shortly
    /// before the journal's `started` line, and not already accounted for.
    /// Lists are newest first, so the search stops at older keys.
    private static func madeByEarlierRun(
        target: [String: JSONValue], doubt: JournalEntry, client: NgrokAIClient, job: JobControl
    ) async throws -> ProviderKey? {
        guard case .string(let provider)? = target["providerId"], let started = Journal.date(doubt.time) else { return nil }
        let earliest = started.addingTimeInterval(-clockSkew)
        var page = try await client.listProviderKeys(provider: provider)
        while true {
            job.countRead()
            for key in page.keys {
                guard let created = key.createdAt.flatMap(Journal.date) else { continue }
                if created < earliest { return nil }
                let same = target.allSatisfy { field, value in (key.fields[field] ?? .null) == value }
                if same, job.claim(key.id) { return key }
            }
            guard let next = page.nextPageURI else { return nil }
            page = try await client.listProviderKeys(nextPageURI: next)
        }
    }

    /// The record as it is now (not for `create`).
    private static func current(_ kind: MutationKind, id: String?, client: NgrokAIClient, job: JobControl) async throws -> ProviderKey? {
        guard kind != .create, let id else { return nil }
        job.countRead()
        return try await client.getProviderKey(id: id)
    }

    /// What the record would look like after the mutation (nil: deleted).
    private static func simulate(_ kind: MutationKind, current: ProviderKey?, target: [String: JSONValue], job: JobControl) -> ProviderKey? {
        switch kind {
        case .delete: return nil
        case .create:
            var fields = target.filter { !$0.value.isNull }
            fields["id"] = .string("dry-run-\(job.nextDryRunID())")
            fields["keyRedacted"] = .string("(dry run)")
            return try? ProviderKey(fields: fields)
        case .update, .rotate:
            guard var fields = current?.fields else { return current }
            for (field, value) in target { fields[field] = value.isNull ? nil : value }
            return (try? ProviderKey(fields: fields)) ?? current
        }
    }

    /// `would update aigpk_1: name "a" → "b", description "x" → null`
    private static func describe(_ kind: MutationKind, id: String?, current: ProviderKey?, target: [String: JSONValue]) -> String {
        let changes = target.keys.sorted().map { field in
            let old = current?.fields[field].map(show) ?? (kind == .create ? "" : "null")
            let new = show(target[field]!)
            return kind == .create ? "\(field) \(new)" : "\(field) \(old) → \(new)"
        }
        return "would \(kind.rawValue) \(id ?? "a key")" + (changes.isEmpty ? "" : ": " + changes.joined(separator: ", "))
    }

    private static func show(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .string(let s): return "\"\(s)\""
        default: return "\(value)"
        }
    }
}
