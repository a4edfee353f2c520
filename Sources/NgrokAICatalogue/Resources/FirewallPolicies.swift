extension Resource {
    /// Rules screening what an access key's traffic carries: one policy account-wide (the
    /// gateway configuration's `firewallPolicyId`) plus each access key configuration's own.
    /// Documented on ngrok.com only, hence ``Resource/partlyPublished``: rule kinds beyond
    /// `tier` and `instructions` are sent as given.
    public static let firewallPolicies = Resource(
        name: "firewallPolicies", recordName: "firewallPolicy", singular: "firewall policy", path: "/firewall-policies",
        // Not shown on ngrok.com: the list envelope, by the API's convention.
        envelope: "aiGatewayFirewallPolicies", kind: .collection,
        summary: "Firewall rules for gateway traffic, account-wide or per access key configuration.",
        fields: Field.recordFields("firewall policy") + [
            .requiredName, .description,
            Field("mode", .oneOf(["enforce", "audit"]), "`enforce` (default) or `audit` (report only).", create: .optional, update: .set,
                  default: "enforce"),
            Field("onError", .oneOf(["block", "log"]), "When a rule cannot be evaluated: `block` (default) or `log`.", create: .optional,
                  update: .set, default: "block"),
            // Not shown on ngrok.com: the shape of one fact (sent as given).
            Field("environment", .list(.any), "Facts about the deployment the rules may use (at most 32).", create: .optional, update: .setOrClear),
            Field(
                "rules",
                .list(
                    .shape([
                        // Not shown on ngrok.com: the rule name's JSON name.
                        Field("name", .string, "What the agent is told when the rule blocks.", create: .optional, maxLength: 255),
                        Field("tier", .oneOf(["hardDeny", "softDeny", "allow"]), "`hardDeny`, `softDeny` or `allow`.", requiredInRecord: true, create: .required),
                        Field("instructions", .string, "A decision rule's instructions (only decision rules have them).", create: .optional),
                    ])), "The rules, every tier, at most 48.", create: .optional, update: .set),
            // Not shown on ngrok.com: this flag's JSON name.
            Field("accountWide", .boolean, "Whether the gateway configuration names this policy (read-only).", requiredInRecord: true),
        ],
        label: [.quoted("name"), .plain("mode")],
        // Not shown on ngrok.com: the id prefix.
        idPrefix: "aigfp_",
        semantics: [.firewallPolicyRules, .namedBy(field: "accountWide", resource: "gatewayConfig", via: "firewallPolicyId")],
        partlyPublished: true)

    /// The most rules one policy holds.
    public static let firewallPolicyMaxRules = 48
    /// The most environment facts one policy holds.
    public static let firewallPolicyMaxFacts = 32
}

extension Field {
    /// A firewall policy named by a configuration (not in the published OpenAPI file).
    static func firewallPolicy(_ summary: String) -> Field {
        Field(
            "firewallPolicyId", .string, summary, create: .optional, update: .setOrClear, minLength: 1,
            reference: Reference("firewallPolicies", mustExist: true, blocksDelete: true))
    }
}
