/// One resource of the ngrok.ai API, described once: the client, the Lua bindings, the fake,
/// the docs and the editor types are all driven by it.
public struct Resource: Sendable {
    /// What operations a resource has.
    public enum Kind: Sendable, Equatable {
        /// Many records with ids: list, iter, get, create, update, delete.
        case collection
        /// One record without an id: get, update.
        case singleton
        /// No records of its own: only the ``Resource/queries``.
        case readOnly
    }

    /// The Lua global, e.g. `accessKeys`; also the prefix of operation names (`accessKeys.get`).
    public var name: String
    /// A record's name in messages and `tostring`, e.g. `accessKey` (metatable `luagate.accessKey`).
    public var recordName: String
    /// Words for messages: `access key`.
    public var singular: String
    /// The collection path, e.g. `/access-keys`.
    public var path: String
    /// The member of a list response holding the records.
    public var envelope: String?
    public var kind: Kind
    /// One line, in our own words.
    public var summary: String
    /// The record's fields and what may be written.
    public var fields: [Field]
    /// Extra query parameters of `list` (beyond `limit` and `beforeId`).
    public var listFilters: [Field]
    /// Extra operations on one record, e.g. a provider key's `rotate`.
    public var actions: [Action]
    /// The read-only operations of a ``Kind/readOnly`` resource.
    public var queries: [Query]
    /// What `tostring(record)` shows after `recordName` and the id.
    public var label: [Label]
    /// The fake's id prefix, e.g. `aigak_`.
    public var idPrefix: String
    /// The fake derives `keyRedacted` from this secret field (`value` or `token`).
    public var redactedFrom: String?
    /// Behaviour of the fake beyond plain storage, named here so it is not scattered.
    public var semantics: [Semantic]
    /// ngrok has published only part of this resource's schema (pages, no OpenAPI file): the
    /// fields listed are checked as usual, but a member the catalogue does not know is sent as
    /// given (luagate warns once per run) instead of refused. Fully published resources stay strict.
    public var partlyPublished: Bool

    public init(
        name: String, recordName: String, singular: String, path: String, envelope: String? = nil,
        kind: Kind, summary: String, fields: [Field], listFilters: [Field] = [], actions: [Action] = [],
        queries: [Query] = [], label: [Label] = [], idPrefix: String = "", redactedFrom: String? = nil,
        semantics: [Semantic] = [], partlyPublished: Bool = false
    ) {
        self.name = name
        self.recordName = recordName
        self.singular = singular
        self.path = path
        self.envelope = envelope
        self.kind = kind
        self.summary = summary
        self.fields = fields
        self.listFilters = listFilters
        self.actions = actions
        self.queries = queries
        self.label = label
        self.idPrefix = idPrefix
        self.redactedFrom = redactedFrom
        self.semantics = semantics
        self.partlyPublished = partlyPublished
    }

    /// Words for counts: `access keys`, `firewall policies`.
    public var plural: String { singular.hasSuffix("y") && !singular.hasSuffix("ey") ? singular.dropLast() + "ies" : singular + "s" }

    /// The field named `name`.
    public func field(_ name: String) -> Field? { fields.first { $0.name == name } }

    /// The action named `name`.
    public func action(_ name: String) -> Action? { actions.first { $0.name == name } }

    /// The query named `name`.
    public func query(_ name: String) -> Query? { queries.first { $0.name == name } }

    /// The operations a script can call, in the order the docs list them.
    public var operations: [String] {
        switch kind {
        case .collection: ["list", "iter", "get", "create", "update", "delete"] + actions.map(\.name)
        case .singleton: ["get", "update"]
        case .readOnly: queries.flatMap { $0.result.isPaged ? ["list", "iter"] : [$0.name] }
        }
    }

    /// The mutating operations (journaled, counted by `--max-changes`).
    public var mutations: [String] {
        switch kind {
        case .collection: ["create", "update", "delete"] + actions.map(\.name)
        case .singleton: ["update"]
        case .readOnly: []
        }
    }
}

/// An operation on one record beyond the standard ones: `POST {path}/{id}/{name}` with a body.
public struct Action: Sendable {
    public var name: String
    public var summary: String
    /// The body's fields (``Field/create`` says which are required).
    public var fields: [Field]

    public init(name: String, summary: String, fields: [Field]) {
        self.name = name
        self.summary = summary
        self.fields = fields
    }
}

/// A read-only `GET` of a ``Resource/Kind/readOnly`` resource.
public struct Query: Sendable {
    /// What the response holds.
    public enum Result: Sendable {
        /// Pages of records under `envelope`, followed through `nextPageUri` (scripts get `list` and `iter`).
        case pages(envelope: String)
        /// One object.
        case object
        /// A list of items under this member, not paged.
        case items(String)
        /// The one item of the list under `list` whose `key` equals the query's ``Query/argument``
        /// (the API has no path for one item: the client reads the list and picks it).
        case item(in: String, key: String)

        public var isPaged: Bool {
            if case .pages = self { return true }
            return false
        }
    }

    /// The Lua function (for paged results the pair `list`/`iter`, named `list` here).
    public var name: String
    /// The path, e.g. `/usage/overview`.
    public var path: String
    public var summary: String
    /// The query parameters (``Field/create`` `.required` ones must be given).
    public var parameters: [Field]
    public var result: Result
    /// The shape of one record (pages, items) or of the object.
    public var fields: [Field]
    /// A positional argument (`usage.attempts(requestId)`): a non-empty string put in the
    /// path where it holds `{name}`, or the key an ``Result/item(in:key:)`` result matches.
    public var argument: Field?

    public init(
        name: String, path: String, summary: String, argument: Field? = nil, parameters: [Field] = [], result: Result,
        fields: [Field]
    ) {
        self.argument = argument
        self.name = name
        self.path = path
        self.summary = summary
        self.parameters = parameters
        self.result = result
        self.fields = fields
    }
}

/// A piece of a record's one-line `tostring`.
public enum Label: Sendable {
    /// The field's value as is: `openai`.
    case plain(String)
    /// Quoted: `"openai-prod"`.
    case quoted(String)
    /// In parentheses: `(sk-proj-ab***wxyz)`.
    case parenthesized(String)
}

/// Named behaviour of the fake that plain storage does not give.
public enum Semantic: Sendable, Equatable {
    /// Router step keys written as `{name, value}` create a provider key (of the rule's provider)
    /// and are stored as `{id}`; every step key is read back as `{id, name, keyRedacted}`.
    case routerStepKeys
    /// The read-only `field` counts the records of `resource` whose `via` names this record.
    case counts(field: String, resource: String, via: String)
    /// The read-only boolean `field` is true while the singleton `resource`'s `via` names this record.
    case namedBy(field: String, resource: String, via: String)
    /// Virtual models: the name and target rules ngrok states in prose, checked by the client and the fake.
    case virtualModelRules
    /// Firewall policies: at most 48 rules per policy.
    case firewallPolicyRules
    /// Access key configurations: a `user` router step needs keys.
    case userStepNeedsKeys
    /// Access key configurations: `access.models.allow` may not name a virtual model (the fake
    /// answers `ERR_NGROK_AI_GATEWAY_ACCESS_CONFIG_VIRTUAL_MODEL_NOT_ALLOWED`).
    case noVirtualModelsAllowed
}
