import FakeNgrokAI

/// A record of the fake's account as a test reads it: `record.metadata` is the string value of
/// `metadata` (nil when absent, null or not a string), `record.fields` everything as rendered.
/// One shape for every resource of the catalogue.
@dynamicMemberLookup
public struct TestRecord: Sendable, Equatable {
    public let fields: [String: JSONValue]

    public init(_ fields: [String: JSONValue]) { self.fields = fields }

    public var id: String { fields["id"]?.stringValue ?? "" }

    /// `name`, which most records have ("" when absent).
    public var name: String { fields["name"]?.stringValue ?? "" }

    public subscript(dynamicMember name: String) -> String? { fields[name]?.stringValue }

    public subscript(_ name: String) -> JSONValue? { fields[name] }
}

extension AccountStore {
    /// Every record of `resource`, newest first, as tests read them.
    public func all(_ resource: Resource) -> [TestRecord] { records(resource).map(TestRecord.init) }

    /// The record of `resource` with this id, if any.
    public func get(_ resource: Resource, id: String) -> TestRecord? { record(resource, id: id).map(TestRecord.init) }

    /// Seeds a record and returns it as stored (see ``insert(_:fields:secrets:)``).
    @discardableResult
    public func seed(_ resource: Resource, _ fields: [String: JSONValue]) -> TestRecord {
        get(resource, id: insert(resource, fields: fields))!
    }

    /// Seeds a provider key (`providerId` `openai` unless given) and returns it as stored.
    @discardableResult
    public func seedKey(
        id: String? = nil, providerId: String = "openai", name: String, value: String? = nil, description: String? = nil,
        metadata: String? = nil
    ) -> TestRecord {
        var fields: [String: JSONValue] = ["providerId": .string(providerId), "name": .string(name)]
        fields["id"] = id.map(JSONValue.string)
        fields["value"] = value.map(JSONValue.string)
        fields["description"] = description.map(JSONValue.string)
        fields["metadata"] = metadata.map(JSONValue.string)
        return seed(.providerKeys, fields)
    }

    /// How many times the API changed this record after creating it (updates and actions).
    public func changeCount(_ resource: Resource, id: String) -> Int {
        history(resource, id: id).filter { change in
            switch change.kind {
            case .updated, .action: true
            case .seeded, .created, .deleted: false
            }
        }.count
    }
}
