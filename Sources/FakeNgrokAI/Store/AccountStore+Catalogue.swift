import Foundation

/// The model catalogue (`GET /v1/models`), request traces (`GET /usage/requests/{id}`, made
/// from the usage events of that request), the fields the fake computes (an access key
/// configuration's `accessKeyCount`, a firewall policy's `accountWide`), and the virtual-model
/// rules that need the account.
extension AccountStore {
    /// Replaces the model catalogue (items of `GET /v1/models`).
    public func setModels(_ models: [JSONValue]) {
        state.withLockedValue { $0.models = models }
    }

    /// The model catalogue: the built-in models, then each custom provider's own models
    /// (`owned_by` `organization_owned`) that the built-in list does not already hold.
    public var models: [JSONValue] { state.withLockedValue { $0.models + Self.ownModels($0) } }

    /// The custom providers' models as `GET /v1/models` items, one per model id (its providers
    /// those that serve it). Prices, context length and metrics are unknown: no rates, length 0.
    static func ownModels(_ state: State) -> [JSONValue] {
        let builtIn = Set(state.models.compactMap { $0["id"]?.stringValue })
        var order: [String] = []
        var providers: [String: [JSONValue]] = [:]
        var created: [String: Int64] = [:]
        let records = state.tables[Resource.providers.name].map { table in table.orderedIDs.compactMap { table.records[$0] } } ?? []
        for record in records {
            let providerID = record.fields["providerId"]?.stringValue ?? ""
            let formats: [JSONValue] = (record.fields["supportedApiSurfaces"]?.arrayValue ?? []).map { surface in
                let name = surface["surface"]?.stringValue ?? "chat-completions"
                let path = ["responses": "/v1/responses", "messages": "/v1/messages"][name] ?? "/v1/chat/completions"
                let parameters = (surface["supportedParams"]?.arrayValue ?? []).compactMap { $0["name"] }
                return ["format": surface["format"] ?? "openai", "name": .string(name), "path": .string(path), "parameters": .array(parameters)]
            }
            let seconds = record.fields["createdAt"]?.stringValue.flatMap(RFC3339.date(from:)).map { Int64($0.timeIntervalSince1970) } ?? 0
            for model in record.fields["models"]?.arrayValue ?? [] {
                guard let id = model["modelId"]?.stringValue, !builtIn.contains(id) else { continue }
                if providers[id] == nil { order.append(id) }
                created[id] = min(created[id] ?? seconds, seconds)
                providers[id, default: []].append([
                    "model_id": .string(providerID + ":" + id), "id": .string(providerID),
                    "display_name": record.fields["name"] ?? .string(providerID), "context_length": 0,
                    "supports_implicit_caching": false, "status": "active",
                    "pricing": ["currency": "USD", "rates": []], "supported_api_formats": .array(formats),
                ])
            }
        }
        return order.map { id in
            [
                "id": .string(id), "name": .string(id), "created": .int(created[id] ?? 0), "slug": .string(id), "object": "model",
                "owned_by": "organization_owned", "providers": .array(providers[id] ?? []),
                "architecture": ["modality": "text->text", "input_modalities": ["text"], "output_modalities": ["text"]],
            ]
        }
    }

    /// The attempts behind gateway request `requestID`, by attempt number, or nil when no
    /// usage event has that request id. The trace's verdicts follow from each event: the
    /// final attempt without error was served; an attempt followed by another moved on.
    func attempts(requestID: String) -> [JSONValue]? {
        let events = state.withLockedValue { $0.usage.filter { $0["requestId"]?.stringValue == requestID } }
            .sorted { ($0["attemptNumber"]?.intValue ?? 0) < ($1["attemptNumber"]?.intValue ?? 0) }
        guard !events.isEmpty else { return nil }
        return events.enumerated().map { index, event in
            let final = event["isFinalAttempt"]?.boolValue ?? true
            let failed = event["isError"]?.boolValue ?? false
            let timedOut = event["timedOut"]?.boolValue ?? false
            let streaming = event["isStreaming"]?.boolValue ?? false
            let output = event["outputTokens"]?.intValue ?? 0
            // A failed attempt's verdict is what the next attempt tried: the same provider and
            // model with another key, the same key again, or another backend.
            let next = index + 1 < events.count ? events[index + 1] : nil
            let retry: String
            if !failed {
                retry = "succeeded"
            } else if let next, !final {
                let sameBackend = next["provider"] == event["provider"] && next["model"] == event["model"]
                retry = !sameBackend ? "next_backend" : next["providerKeyId"] == event["providerKeyId"] ? "retry_same_backend" : "next_key"
            } else {
                retry = "exhausted"
            }
            let upstream: Int64 = timedOut ? 30_000 : 180 + output * 9 + (failed ? 40 : 0)
            var attempt: [String: JSONValue] = [
                "event": .object(Self.completedEvent(event)), "served": .bool(final && !failed),
                "retryAction": .string(retry),
                "completion": .string(timedOut ? "timed_out" : failed ? "failed" : "succeeded"),
                "requestDurationMs": .int(upstream + 12), "upstreamDurationMs": .int(upstream),
                "timeToFirstTokenMs": .null,
            ]
            if streaming, !failed { attempt["timeToFirstTokenMs"] = .int(150 + output % 200) }
            return .object(attempt)
        }
    }

    /// An event with the fields later versions of the API added (absent from events written
    /// by earlier versions of the fake, or from older snapshots) filled with zeros.
    static func completedEvent(_ event: [String: JSONValue]) -> [String: JSONValue] {
        var out = event
        for field in Resource.usageEvent where field.requiredInRecord && out[field.name] == nil {
            switch field.type {
            case .integer: out[field.name] = .int(0)
            case .boolean: out[field.name] = .bool(false)
            case .decimal: out[field.name] = .string("0.00000")
            default: break
            }
        }
        return out
    }

    // MARK: - Computed fields

    /// `fields` with the values the fake computes for `resource` (``Semantic/counts`` and
    /// ``Semantic/namedBy``).
    /// `counts` holds the ``Semantic/counts`` tallies when the caller renders many records of
    /// `resource` at once; without it they are counted for this record alone.
    static func computed(
        _ resource: Resource, _ stored: Stored, state: State, counts: ReferenceCounts? = nil, into out: inout [String: JSONValue]
    ) {
        let counts = counts ?? ReferenceCounts(resource, state: state, only: stored.id)
        for semantic in resource.semantics {
            switch semantic {
            case .counts(let field, _, _):
                out[field] = .int(Int64(counts.count(field, of: stored.id)))
            case .namedBy(let field, let singleton, let via):
                out[field] = .bool(state.singletons[singleton]?[via]?.stringValue == stored.id)
            default: break
            }
        }
    }

    /// The names of the fields the fake computes for `resource` (never stored).
    static func computedFields(_ resource: Resource) -> Set<String> {
        Set(resource.semantics.compactMap { semantic in
            switch semantic {
            case .counts(let field, _, _), .namedBy(let field, _, _): field
            default: nil
            }
        })
    }

    // MARK: - Rules that need the account

    /// A singleton (the gateway configuration) naming `stored` in a reference that blocks deletion.
    static func blockingSingleton(to resource: Resource, _ stored: Stored, state: State) -> Resource? {
        for other in Catalogue.all where other.kind == .singleton {
            guard let fields = state.singletons[other.name] else { continue }
            for (reference, value, _) in references(in: .object(fields), fields: other.fields)
            where reference.blocksDelete && reference.resource == resource.name && stored.fields[reference.key]?.stringValue == value {
                return other
            }
        }
        return nil
    }

    /// The virtual-model rules that need the account, with ngrok's error codes (400; the pages
    /// give no status, so 400 is the fake's choice for all of them).
    static func checkAccountRules(_ resource: Resource, _ record: [String: JSONValue], id: String?, state: State) throws(APIError) {
        if resource.semantics.contains(.noVirtualModelsAllowed) {
            let virtual = Set((state.tables[Resource.virtualModels.name]?.records.values ?? [:].values).compactMap { $0.fields["name"]?.stringValue })
            for model in record["access"]?["models"]?["allow"]?.arrayValue ?? [] {
                if let name = model.stringValue, virtual.contains(name) {
                    throw APIError(
                        status: 400, msg: "\(name) is a virtual model; add its models instead",
                        code: "ERR_NGROK_AI_GATEWAY_ACCESS_CONFIG_VIRTUAL_MODEL_NOT_ALLOWED")
                }
            }
            return
        }
        guard resource.semantics.contains(.virtualModelRules) else { return }
        let code = Resource.virtualModelCode
        let others = (state.tables[resource.name]?.records.values.map { $0 } ?? []).filter { $0.id != id }
        let virtualNames = Set(others.compactMap { $0.fields["name"]?.stringValue })
        let known = knownModels(state)
        if let name = record["name"]?.stringValue {
            if virtualNames.contains(name) {
                // Not shown on ngrok.com: the status of this error (409 would fit too).
                throw APIError(status: 400, msg: "a virtual model named \(name) already exists", code: code + "NAME_ALREADY_EXISTS")
            }
            if known.contains(name) || known.contains(where: { $0.hasSuffix(":" + name) }) {
                throw APIError(status: 400, msg: "\(name) is already a model name", code: code + "NAME_CONFLICT")
            }
        }
        for target in record["models"]?.arrayValue ?? [] {
            guard let target = target.stringValue else { continue }
            if virtualNames.contains(target) || target == record["name"]?.stringValue {
                throw APIError(status: 400, msg: "\(target) is a virtual model; a virtual model cannot hold another", code: code + "TARGET_NESTING_NOT_ALLOWED")
            }
            if !known.isEmpty, target != Resource.autoModel, !known.contains(target) {
                throw APIError(status: 400, msg: "\(target) isn't a valid model", code: code + "TARGET_NOT_FOUND")
            }
        }
    }

    /// Every model a virtual model may name: each catalogue model's id and `provider:model`
    /// ids, and each custom provider's models (`providerId:modelId`). Empty when the account
    /// has no model catalogue (then targets are not checked).
    private static func knownModels(_ state: State) -> Set<String> {
        guard !state.models.isEmpty else { return [] }
        var known = Set<String>()
        for model in state.models {
            if let id = model["id"]?.stringValue { known.insert(id) }
            for provider in model["providers"]?.arrayValue ?? [] {
                if let id = provider["model_id"]?.stringValue { known.insert(id) }
            }
        }
        for provider in state.tables[Resource.providers.name]?.records.values.map({ $0 }) ?? [] {
            let providerID = provider.fields["providerId"]?.stringValue ?? ""
            for model in provider.fields["models"]?.arrayValue ?? [] {
                if let id = model["modelId"]?.stringValue { known.insert(id); known.insert(providerID + ":" + id) }
            }
        }
        return known
    }
}

/// For each ``Semantic/counts`` of a resource, how many records of the other resource point at
/// each id: one pass over the other table, for a whole page instead of once per record.
struct ReferenceCounts {
    private var tallies: [String: [String: Int]] = [:]

    /// The tallies of `resource`'s counts, for every id or for `only` that one.
    init(_ resource: Resource, state: AccountStore.State, only: String? = nil) {
        for semantic in resource.semantics {
            guard case .counts(let field, let other, let via) = semantic else { continue }
            var tally: [String: Int] = [:]
            for record in state.tables[other]?.records.values ?? [:].values {
                guard let id = record.fields[via]?.stringValue, only == nil || id == only else { continue }
                tally[id, default: 0] += 1
            }
            tallies[field] = tally
        }
    }

    /// How many records point at `id` through the counted `field`.
    func count(_ field: String, of id: String) -> Int { tallies[field]?[id] ?? 0 }
}
