import NgrokAI

/// LuaLS definitions of `luagate.account`, the module an account file calls
/// (`return account { stack = …, providerKeys = {…}, … }`): the file's shape, one class per
/// collection of the catalogue, so a new resource gets its class with no code here.
extension LuaLSTypes {
    /// The functions written by hand below; the module's other functions come from its doc comments.
    static let accountFunctions: Set<String> = ["env", "file"]

    static func account(_ runtime: Runtime) -> String {
        var out = """
            ---@meta luagate.account
            -- Written by `luagate --types DIR` from the resource catalogue and the module's doc comments.
            -- An account file returns `account { … }`: one list per collection, each record named by its
            -- `name` and written with the API's field names; references by the referenced record's name.

            ---A secret the file names but does not hold (`account.env`, `account.file`): shown as `(secret)`.
            ---@class luagate.account.secret


            """
        let resources = accountResources
        for resource in resources { out += accountRecord(resource) }
        out += """
            ---The account file: what `account { … }` takes and returns.
            ---@class luagate.account.file
            ---@field stack string Names this file's records in their ownership marker (metadata member `luagate`).
            ---@field prune? boolean Delete the records marked with this stack that the file no longer names (or --prune).
            ---@field include? string[] More files (paths relative to this one), each returning a table of collections.

            """
        for resource in resources {
            let type = resource.kind == .singleton ? accountClass(resource) : accountClass(resource) + "[]"
            out += "---@field \(resource.name)? \(type) \(resource.summary)\n"
        }
        out += """

            ---@class luagate.account
            ---@overload fun(t: luagate.account.file): luagate.account.file
            local account = {}


            """
        // env and file with the module's own doc comments, typed here: they return a secret reference.
        let docs = Runtime.stdlibSource("luagate.account").map { docComments(String(decoding: $0, as: UTF8.self)) } ?? [:]
        for (function, parameter, fallback) in [
            ("env", "name", "`account.env \"NAME\"`: the secret in environment variable NAME."),
            ("file", "path", "`account.file \"/path\"`: the secret held in this file."),
        ] {
            let doc = docs[function]?.filter { !$0.hasPrefix("@param_names ") } ?? [" " + fallback]
            out += doc.map { "---\($0)\n" }.joined() + "---@param \(parameter) string\n---@return luagate.account.secret\n"
                + "function account.\(function)(\(parameter)) end\n\n"
        }
        return out + moduleMembers("luagate.account", runtime, skipping: accountFunctions) + "return account\n"
    }

    /// The resources an account holds: every collection and singleton (usage, credits and the
    /// model catalogue, read-only, are never part of an account).
    static var accountResources: [Resource] { Catalogue.all.filter { $0.kind != .readOnly } }

    private static func accountClass(_ resource: Resource) -> String { "luagate.account.\(resource.recordName)" }

    /// A record of the file: the fields a write may give, references renamed to their read-side
    /// name and typed as the name of the record pointed at, secrets as references, and the extras
    /// luagate keeps to itself.
    private static func accountRecord(_ resource: Resource) -> String {
        var out = "---A record of `\(resource.name)` in an account file.\n---@class \(accountClass(resource))\n"
        let isCollection = resource.kind == .collection
        if isCollection {
            out += "---@field name string Names the record in the file (unique per collection); how it is matched with the account's.\n"
        }
        var seen: Set<String> = isCollection ? ["name"] : []
        for field in resource.fields where field.isWritable {
            let name = accountFieldName(field)
            guard seen.insert(name).inserted else { continue }
            let required = isCollection && field.create == .required
            var type: String
            var summary = field.summary
            if field.secrecy == .writeOnly {
                type = "luagate.account.secret"
            } else if field.name == "metadata" {
                type = "table|string"
                summary += " A table is a JSON object; its member `luagate` is the ownership marker."
            } else if let reference = field.reference, reference.key == "id" {
                type = "string"
                summary += " By the name of one of `\(reference.resource)`."
            } else {
                type = luaType(field.type)
            }
            if !required && field.update == .setOrClear { type += "|lightuserdata" }
            out += "---@field \(name)\(required ? "" : "?") \(type) \(summary)\n"
        }
        if resource.action("rotate") != nil {
            out += "---@field secretVersion? string Any string: bump it to rotate the secret (kept in the ownership marker).\n"
        }
        if resource.fields.contains(where: { $0.secrecy == .returnedOnce }) {
            out += "---@field tokenFile? string Where a created record's token is written, once (mode 0600).\n"
        }
        if isCollection {
            out += "---@field renamedFrom? string The record's name before: the rename is one update.\n"
            out += "---@field adopt? boolean Mark a matching record this stack does not own yet as its own (or --adopt).\n"
            out += "---@field protect? boolean Refuse, at plan time, any plan that deletes it.\n"
        }
        return out + "\n"
    }

    /// A reference to a record's id is written under its read-side name (`accessKeyConfiguration`,
    /// `firewallPolicy`); every other field under its own.
    private static func accountFieldName(_ field: Field) -> String {
        guard let reference = field.reference, reference.key == "id" else { return field.name }
        if let shown = reference.shownAs { return shown }
        return field.name.hasSuffix("Id") ? String(field.name.dropLast(2)) : field.name
    }
}
