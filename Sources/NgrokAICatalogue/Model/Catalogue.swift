/// Every resource of the ngrok.ai management API luagate knows, in the order the docs list
/// them. Adding a resource is adding its entry here (one file under `Resources/`) and its
/// sample data in the fake.
public enum Catalogue {
    public static let all: [Resource] = [
        .providerKeys, .accessKeys, .accessKeyConfigurations, .apiKeys, .providers,
        .gatewayConfig, .usage, .credits, .virtualModels, .firewallPolicies, .models,
    ]

    private static let byName: [String: Resource] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// The resource whose Lua name is `name`.
    public static func resource(_ name: String) -> Resource? { byName[name] }

    /// The standard list page-size rule: `1...100`.
    public static let pageSize: ClosedRange<Int64> = 1...100
}
