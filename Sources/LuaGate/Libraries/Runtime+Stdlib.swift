import CLua
import CLuaShim
import Foundation
import LuaKit
import NgrokAI

/// The bundled stdlib, `require "luagate.<name>"`: each module is a `package.preload`
/// entry and loads on its first `require`. Lua modules are compiled from their sources
/// in stdlib/luagate/, embedded in the binary.
extension Runtime {
    /// The Lua modules.
    static let stdlibModules = [
        "luagate.metadata", "luagate.plan", "luagate.progress", "luagate.rename", "luagate.time",
        "luagate.account", "luagate.account.model", "luagate.account.source", "luagate.account.diff",
        "luagate.account.send", "luagate.account.render", "luagate.account.export", "luagate.account.cli",
        "luagate.account.live",
    ]

    /// The embedded source of a Lua module. Each is read on its module's first
    /// `require`, not at start: building them all costs start-up time.
    static func stdlibSource(_ name: String) -> [UInt8]? {
        switch name {
        case "luagate.metadata": PackageResources.metadata_lua
        case "luagate.plan": PackageResources.plan_lua
        case "luagate.progress": PackageResources.progress_lua
        case "luagate.rename": PackageResources.rename_lua
        case "luagate.time": PackageResources.time_lua
        case "luagate.account": PackageResources.account_lua
        case "luagate.account.model": PackageResources.model_lua
        case "luagate.account.source": PackageResources.source_lua
        case "luagate.account.diff": PackageResources.diff_lua
        case "luagate.account.send": PackageResources.send_lua
        case "luagate.account.render": PackageResources.render_lua
        case "luagate.account.export": PackageResources.export_lua
        case "luagate.account.cli": PackageResources.cli_lua
        case "luagate.account.live": PackageResources.live_lua
        default: nil
        }
    }

    /// Native modules and their functions.
    private static var nativeModules: KeyValuePairs<String, KeyValuePairs<String, LuaFunction>> {
        [
            "luagate.catalogue": ["resources": catalogueResources, "check": catalogueCheck],
            "luagate.files": [
                "sha256": AccountFiles.sha256, "write_private": AccountFiles.writePrivate,
                "writable_folder": AccountFiles.writableFolder, "same_file": AccountFiles.sameFile,
            ],
            "luagate.template": ["render": TemplateLibrary.render],
            "luagate.term": ["isatty": isatty, "status": StatusLine.status],
        ]
    }

    /// `package.preload[name]` of a Lua module: compiles the source on first use.
    private static let lazyLoader = "local compile = ... return function(name, ...) return compile(name)(name, ...) end"

    /// The stdlib modules that are also globals, in scripts and at the prompt alike
    /// (`providerKeys`…, `json` and `task` are installed as globals directly).
    public static let moduleGlobals: KeyValuePairs<String, String> = [
        "metadata": "luagate.metadata", "rename": "luagate.rename", "template": "luagate.template",
    ]

    /// Each of `moduleGlobals` as a stand-in table whose first use (a field read or
    /// write, `pairs`) requires the module and puts it in the global's place: a script
    /// that never uses one loads nothing, and one that assigns the name itself keeps its
    /// own value. `getmetatable(stand_in).__luagate_module` names the module.
    private static let lazyGlobals = """
        local G, list = ...
        local require, rawget, rawset, setmetatable, next, tostring = require, rawget, rawset, setmetatable, next, tostring
        for global, module in pairs(list) do
          local stand_in = {}
          local function load()
            local m = require(module)
            if rawget(G, global) == stand_in then rawset(G, global, m) end
            return m
          end
          setmetatable(stand_in, {
            __index = function(_, k) return load()[k] end,
            __newindex = function(_, k, v) load()[k] = v end,
            __pairs = function() return next, load(), nil end,
            __tostring = function() return tostring(load()) end,
            __luagate_module = module,
          })
          rawset(G, global, stand_in)
        end
        """

    func installStdlib() {
        let L = lua.L
        lua_getfield(L, LG_REGISTRYINDEX, LUA_PRELOAD_TABLE)
        for (name, functions) in Self.nativeModules {
            lua.pushLibrary(functions)
            lua_setfield(L, LG_REGISTRYINDEX, Self.nativeKey(name))
            lua.pushFunction(name, Self.loadNative)
            lua_setfield(L, -2, name)
        }
        lua.pushFunction("compile", Self.compile)
        loadStdlib(Array(Self.lazyLoader.utf8), name: "preload", arguments: 1)
        for name in Self.stdlibModules {
            lua.stack.pushValue(at: -1)
            lua_setfield(L, -3, name)
        }
        lua.stack.pop(2)
        lua_rawgeti(L, LG_REGISTRYINDEX, lua_Integer(LUA_RIDX_GLOBALS))
        lua_createtable(L, 0, Int32(Self.moduleGlobals.count))
        for (global, module) in Self.moduleGlobals {
            lua.stack.push(module)
            lua.stack.rawSet(table: -2, key: global)
        }
        loadStdlib(Array(Self.lazyGlobals.utf8), name: "globals", arguments: 2)
        lua.stack.pop()
    }

    private static func nativeKey(_ name: String) -> String { "luagate.stdlib:" + name }

    /// `require` of a native module: the table built at start.
    private static func loadNative(_ call: LuaCall) throws -> LuaReturn {
        let name = try call.checkString(1)
        lua_getfield(call.L, LG_REGISTRYINDEX, nativeKey(name))
        return .one
    }

    /// `compile(name)`: the chunk of a Lua module.
    private static func compile(_ call: LuaCall) throws -> LuaReturn {
        let name = try call.checkString(1)
        guard let source = stdlibSource(name) else { throw LuaArgumentError(argument: 1, "no stdlib module '\(name)'") }
        let status = source.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { luaL_loadbufferx(call.L, $0.baseAddress, $0.count, "=[luagate] \(name)", "t") }
        }
        guard status == LUA_OK else { throw LuaRuntimeError(call.stack.string(at: -1) ?? "cannot load \(name)") }
        return .one
    }

    /// `catalogue.resources()`: what the stdlib needs of the resource catalogue, by Lua name:
    /// `{kind =, singular =, record =, order =, actions = {name...}, fields = {name = field}}`,
    /// a field being `{type =, update =, create =, required =, inRecord =, secrecy =,
    /// minLength =, maxLength =, default =, reference = {resource =, key =, shownAs =, blocksDelete =},
    /// fields = {…} (an object's members), item = field (an array's items), items =, minItems =}`
    /// (`update`: "no", "set" or "setOrClear"; `create`: "no", "optional" or "required";
    /// `required`: every record has it; `secrecy`: "writeOnly" or "returnedOnce" when secret).
    private static func catalogueResources(_ call: LuaCall) throws -> LuaReturn {
        JSONLibrary.push(catalogueForLua, onto: call.stack)
        return .one
    }

    private static let catalogueForLua: JSONValue = .object(Dictionary(uniqueKeysWithValues: Catalogue.all.enumerated().map { index, resource in
        let kind = resource.kind == .collection ? "collection" : resource.kind == .singleton ? "singleton" : "readOnly"
        return (resource.name, JSONValue.object([
            "kind": .string(kind), "singular": .string(resource.singular), "record": .string(resource.recordName),
            "order": .int(Int64(index + 1)), "actions": .array(resource.actions.map { .string($0.name) }),
            "fields": describe(resource.fields),
        ]))
    }))

    /// The fields of a shape, by name, as `catalogue.resources()` gives them.
    private static func describe(_ fields: [Field]) -> JSONValue {
        .object(Dictionary(uniqueKeysWithValues: fields.map { ($0.name, describe($0)) }))
    }

    private static func describe(_ field: Field) -> JSONValue {
        var entry = describe(field.type)
        entry["required"] = .bool(field.requiredInRecord)
        entry["inRecord"] = .bool(field.inRecord)
        entry["update"] = .string(field.update == .no ? "no" : field.update == .set ? "set" : "setOrClear")
        entry["create"] = .string(field.create == .no ? "no" : field.create == .optional ? "optional" : "required")
        if field.secrecy != .none { entry["secrecy"] = .string(field.secrecy == .writeOnly ? "writeOnly" : "returnedOnce") }
        if let min = field.minLength { entry["minLength"] = .int(Int64(min)) }
        if let max = field.maxLength { entry["maxLength"] = .int(Int64(max)) }
        if let value = field.defaultValue { entry["default"] = value }
        if let reference = field.reference {
            var ref: [String: JSONValue] = [
                "resource": .string(reference.resource), "key": .string(reference.key),
                "blocksDelete": .bool(reference.blocksDelete),
            ]
            if let shown = reference.shownAs { ref["shownAs"] = .string(shown) }
            entry["reference"] = .object(ref)
        }
        return .object(entry)
    }

    private static func describe(_ type: FieldType) -> [String: JSONValue] {
        var entry: [String: JSONValue] = ["type": .string(type.name)]
        switch type {
        case .object(let members, _): entry["fields"] = describe(members)
        case .array(let item, let minItems):
            entry["items"] = .string(item.name)
            entry["minItems"] = .int(Int64(minItems))
            entry["item"] = .object(describe(item))
        default: break
        }
        return entry
    }

    /// `field, rule, code = catalogue.check(resource, body [, "create" | "update"])`: nil when
    /// `body` passes every check the client runs before sending that write of `resource`
    /// (fields, limits and the resource's own rules); else the field, the rule broken and
    /// ngrok's error code for it, if any. `body` as for the resource's create or update.
    private static func catalogueCheck(_ call: LuaCall) throws -> LuaReturn {
        let name = try call.checkString(1)
        guard let resource = Catalogue.resource(name) else {
            throw LuaArgumentError(argument: 1, "not a resource: '\(name.abbreviated())'")
        }
        var encoding = JSONEncoding(stack: call.stack, marksIntegralFloats: false)
        var visiting = Set<UnsafeRawPointer>()
        let body: JSONValue
        do {
            body = try encoding.value(at: 2, path: "", visiting: &visiting)
        } catch let error as JSONEncodingError {
            throw LuaArgumentError(argument: 2, error.description)
        }
        let members: [String: JSONValue]
        switch body {
        case .object(let object): members = object
        case .array(let items) where items.isEmpty: members = [:]
        default: throw LuaArgumentError(argument: 2, "table of fields expected")
        }
        let mode: WriteMode = call.stack.string(at: 3) == "create" ? .create : .update
        do {
            _ = try resource.checked(members, for: mode)
            return .none
        } catch {
            call.stack.push(error.field)
            call.stack.push(error.rule)
            if let code = error.code { call.stack.push(code) } else { call.stack.pushNil() }
            return .results(3)
        }
    }

    /// `term.isatty("stdin" | "stdout" | "stderr")`: whether that stream is a terminal.
    private static func isatty(_ call: LuaCall) throws -> LuaReturn {
        let streams = ["stdin": Int32(0), "stdout": 1, "stderr": 2]
        guard let fd = streams[try call.checkString(1)] else {
            throw LuaArgumentError(argument: 1, "\"stdin\", \"stdout\" or \"stderr\" expected")
        }
        call.stack.push(Foundation.isatty(fd) != 0)
        return .one
    }
}
