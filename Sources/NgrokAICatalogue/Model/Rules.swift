/// The rules ngrok states in prose rather than in a schema, for the ones a write alone shows
/// (no other record needed): the client checks them before sending, the fake answers them
/// with ngrok's error codes. The rules that need the account (a name already taken, a model
/// that does not exist, a virtual model inside another) are the fake's alone.
extension Resource {
    /// Checks `body` (already checked field by field) against the resource's ``semantics``.
    public func checkRules(_ body: [String: JSONValue]) throws(Violation) {
        for semantic in semantics {
            switch semantic {
            case .virtualModelRules: try Self.checkVirtualModel(body)
            case .firewallPolicyRules: try Self.checkFirewallPolicy(body)
            case .userStepNeedsKeys: try Self.checkUserSteps(body)
            default: break
            }
        }
    }

    /// A schema violation with ngrok's code where the prose names one (a virtual model's
    /// name missing or too long, its list empty).
    func ruleCode(_ violation: Violation) -> Violation {
        guard semantics.contains(.virtualModelRules) else { return violation }
        var out = violation
        switch (violation.field, violation.rule) {
        case ("name", "is required"), ("name", "must not be empty"), ("name", "cannot be cleared"):
            out.code = Self.virtualModelCode + "NAME_REQUIRED"
        case ("name", let rule) where rule.hasSuffix("(got json.null)"): out.code = Self.virtualModelCode + "NAME_REQUIRED"
        case ("name", let rule) where rule.hasPrefix("at most"): out.code = Self.virtualModelCode + "NAME_TOO_LONG"
        case ("models", let rule) where rule.hasPrefix("needs at least") || rule == "is required" || rule == "cannot be cleared"
            || rule.hasSuffix("(got json.null)"):
            out.code = Self.virtualModelCode + "TARGETS_OUT_OF_RANGE"
        default: break
        }
        return out
    }

    /// ngrok's prefix for virtual model errors.
    public static let virtualModelCode = "ERR_NGROK_AI_GATEWAY_VIRTUAL_MODEL_"

    private static func checkVirtualModel(_ body: [String: JSONValue]) throws(Violation) {
        if case .string(let name)? = body["name"] {
            let allowed = name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || ".-_".unicodeScalars.contains($0)) }
            guard allowed else {
                throw Violation(
                    field: "name", rule: "only letters, digits, '.', '_' and '-' (got \"\(name.abbreviated())\")",
                    code: virtualModelCode + "NAME_ILLEGAL_CHARACTER")
            }
        }
        guard case .array(let models)? = body["models"] else { return }
        guard models.count <= virtualModelMaxModels else {
            throw Violation(
                field: "models", rule: "at most \(virtualModelMaxModels) models (got \(models.count))",
                code: virtualModelCode + "TARGETS_OUT_OF_RANGE")
        }
        var seen = Set<String>()
        for (index, model) in models.enumerated() {
            guard let text = model.stringValue else { continue }
            guard seen.insert(text).inserted else {
                throw Violation(
                    field: "models[\(index + 1)]", rule: "\"\(text.abbreviated())\" is in the list more than once",
                    code: virtualModelCode + "TARGET_DUPLICATED")
            }
        }
        if seen.contains(autoModel), models.count > 1 {
            throw Violation(
                field: "models", rule: "\(autoModel) must be the only model", code: virtualModelCode + "TARGET_AUTO_MIXED_NOT_ALLOWED")
        }
    }

    private static func checkFirewallPolicy(_ body: [String: JSONValue]) throws(Violation) {
        if case .array(let rules)? = body["rules"], rules.count > firewallPolicyMaxRules {
            // Not shown on ngrok.com: the error code of this limit.
            throw Violation(field: "rules", rule: "at most \(firewallPolicyMaxRules) rules (got \(rules.count))")
        }
        if case .array(let facts)? = body["environment"], facts.count > firewallPolicyMaxFacts {
            throw Violation(field: "environment", rule: "at most \(firewallPolicyMaxFacts) facts (got \(facts.count))")
        }
    }

    private static func checkUserSteps(_ body: [String: JSONValue]) throws(Violation) {
        guard case .array(let rules)? = body["router"]?["rules"] else { return }
        for (r, rule) in rules.enumerated() {
            guard case .array(let steps)? = rule["steps"] else { continue }
            for (s, step) in steps.enumerated() where step["type"]?.stringValue == "user" {
                let keys = step["keys"]?.arrayValue ?? []
                if keys.isEmpty {
                    throw Violation(field: "router.rules[\(r + 1)].steps[\(s + 1)].keys", rule: "a user step needs at least one key")
                }
            }
        }
    }
}
