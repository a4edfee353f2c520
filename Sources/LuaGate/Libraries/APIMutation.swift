import LuaKit
import NgrokAI

/// A change the catalogue's record operations do not describe: a credit purchase, or a
/// mutating `api.request`. It follows the job's rules as `mutate` does for records:
/// `--resume` skips what the journal shows done and settles what it shows in doubt,
/// `--max-changes` counts it, `--dry-run` sends nothing, and the journal's `started` line
/// (with any `Idempotency-Key`) is durable before the request goes out.
struct RawChange: Sendable {
    var kind: MutationKind
    /// `credits`, `api`.
    var resource: String
    /// What the change is about, if one thing: for `api.request` the path.
    var id: String?
    /// What the journal shows of the call (never a secret).
    var target: [String: JSONValue]
    /// The call's secret values (compared through the journal's digest, never written).
    var secrets: [String: JSONValue] = [:]
    /// The `Idempotency-Key` to send; a journaled one replaces it when an interrupted run's
    /// request is repeated.
    var idempotencyKey: String?
    /// Whether a request an interrupted run sent, with no known outcome, may be sent again:
    /// with the journaled key, or because the method is idempotent.
    var repeatableInDoubt: Bool
    /// Whether the method is idempotent (PUT, DELETE): a 5xx answer to any other may come
    /// after the change was made, so its outcome is unknown (`Runtime.outcomeUnknown`).
    var idempotent = false
    /// `would purchase 500 cents of credits`
    var dryRunLine: String
    /// What a dry run returns.
    var dryRunResult: JSONValue?
    /// What journals may keep of a response (secrets removed).
    var redact: @Sendable (JSONValue) -> JSONValue

    var change: Change { Change(kind: kind, resource: resource, id: id, target: target, secrets: secrets) }
}

/// A journaled request whose outcome an interrupted run did not learn and that cannot safely
/// be repeated (a POST without an idempotency key, or a PATCH).
struct InDoubtRefusal {
    static func error(_ change: RawChange, operation: String) -> NgrokAIError {
        NgrokAIError(
            code: "unknown_outcome",
            message: "an interrupted run sent this request and its outcome is unknown; it is not sent again "
                + "(check the API, then run without --resume or change the request)",
            operation: operation, id: change.id)
    }
}

extension Runtime {
    /// Runs `raw` under the job's rules; `send` gets the key to send (the journaled one when
    /// repeating an interrupted run's request). `onUnknown` learns the key of a request whose
    /// outcome stayed unknown.
    func sendChange(
        _ call: LuaCall, _ raw: RawChange, operation: String, argument: @escaping (String?) -> Int32,
        push: @escaping (LuaStack, JSONValue?) -> Int32,
        onUnknown: (@Sendable (String?) -> Void)? = nil,
        send: @escaping @Sendable (NgrokAIClient, String?) async throws -> JSONValue?
    ) throws -> LuaReturn {
        let job = self.job
        let logger = job.options.logger
        let change = raw.change
        let kind = raw.kind
        let name = raw.resource
        let digest = job.journal.flatMap { SecretDigest.of(change.secrets, salt: $0.salt) }
        let line: @Sendable (JSONValue?, JournalEntry.Status, String?, String?) -> JournalEntry = { after, status, error, key in
            JournalEntry(
                time: Journal.now(), resource: name, op: kind, id: raw.id, target: raw.target, secretDigest: digest,
                after: after.map(raw.redact), status: status, error: error, idempotencyKey: key)
        }
        var key = raw.idempotencyKey
        var inDoubt = false
        switch job.resume(change) {
        case .done(let entry):
            logger?.notice("skipped (already done per journal)", metadata: ["op": "\(kind)", "resource": "\(name)", "id": "\(raw.id ?? "")"])
            return .results(push(call.stack, entry.after))
        case .settle(let entry):
            guard raw.repeatableInDoubt, raw.idempotencyKey == nil || entry.idempotencyKey != nil else {
                throw ErrorObject(error: InDoubtRefusal.error(raw, operation: operation))
            }
            // The same key as the interrupted run: the API answers with what that request did,
            // so repeating it changes nothing and the journal's later calls still stand.
            // Without a key the repeat may undo what followed it: later calls are sent too.
            if let journaled = entry.idempotencyKey {
                key = journaled
            } else {
                job.diverge(change)
            }
            inDoubt = true
        case .send:
            break
        }
        do {
            try job.admit(kind, id: raw.id, operation: operation)
        } catch {
            throw ErrorObject(error: error)
        }
        if job.options.dryRun {
            logger?.notice("\(raw.dryRunLine)")
            job.succeeded(kind, resource: name)
            return .results(push(call.stack, raw.dryRunResult))
        }
        let sentKey = key
        let repeating = inDoubt
        return try request(call, argument: argument, { client in
            if repeating {
                let how = sentKey == nil ? "" : ", with the same Idempotency-Key"
                logger?.notice("sending again what an interrupted run sent\(how)",
                               metadata: ["op": "\(kind)", "resource": "\(name)", "id": "\(raw.id ?? "")"])
            }
            let number: Int?
            do {
                number = try await job.begin(line(nil, .started, nil, sentKey))
            } catch {
                let refusal = NgrokAIError(code: "journal", message: "\(error); the change was not sent", operation: operation, id: raw.id)
                // A change the end of the run took as in flight is counted there.
                if (error as? JournalError)?.endOfRun != true { job.failed(kind, resource: name, id: raw.id, error: "\(refusal)") }
                logger?.error("\(refusal)")
                throw refusal
            }
            let note: @Sendable (JournalEntry) async -> Bool = { entry in
                do {
                    return try await job.conclude(number, entry)
                } catch {
                    let text = "journal: \(error); the outcome (\(entry.status)) is not journaled"
                    job.failed(kind, resource: name, id: raw.id, error: text)
                    logger?.error("\(text)", metadata: ["op": "\(kind)", "resource": "\(name)"])
                    return true
                }
            }
            do {
                let result = try await send(client, sentKey)
                _ = await note(line(result, .ok, nil, sentKey))
                job.succeeded(kind, resource: name)
                return result
            } catch let error as NgrokAIError where repeating && kind == .delete && error.status == 404 {
                // The interrupted run's delete went through.
                _ = await note(line(nil, .ok, nil, sentKey))
                job.succeeded(kind, resource: name)
                return nil
            } catch {
                let text = "\(error)"
                let unknown = Self.outcomeUnknown(error, idempotent: raw.idempotent)
                if await note(line(nil, unknown ? .unknown : .failed, text, sentKey)) {
                    job.failed(kind, resource: name, id: raw.id, error: text)
                }
                if unknown { onUnknown?(sentKey) }
                throw error
            }
        }, push: push)
    }
}
