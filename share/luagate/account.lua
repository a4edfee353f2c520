---@meta luagate.account
-- Written by `luagate --types DIR` from the resource catalogue and the module's doc comments.
-- An account file returns `account { … }`: one list per collection, each record named by its
-- `name` and written with the API's field names; references by the referenced record's name.

---A secret the file names but does not hold (`account.env`, `account.file`): shown as `(secret)`.
---@class luagate.account.secret

---A record of `providerKeys` in an account file.
---@class luagate.account.providerKey
---@field name string Names the record in the file (unique per collection); how it is matched with the account's.
---@field providerId string The provider, e.g. `openai`, or a custom provider's providerId.
---@field value luagate.account.secret The provider's secret key (write-only).
---@field description? string|lightuserdata Free text, at most 255 characters.
---@field metadata? table|string|lightuserdata Free-form text (often JSON) of at most 4096 characters. A table is a JSON object; its member `luagate` is the ownership marker.
---@field secretVersion? string Any string: bump it to rotate the secret (kept in the ownership marker).
---@field renamedFrom? string The record's name before: the rename is one update.
---@field adopt? boolean Mark a matching record this stack does not own yet as its own (or --adopt).
---@field protect? boolean Refuse, at plan time, any plan that deletes it.

---A record of `accessKeys` in an account file.
---@class luagate.account.accessKey
---@field name string Names the record in the file (unique per collection); how it is matched with the account's.
---@field description? string|lightuserdata Free text, at most 255 characters.
---@field metadata? table|string|lightuserdata Free-form text (often JSON) of at most 4096 characters. A table is a JSON object; its member `luagate` is the ownership marker.
---@field accessKeyConfiguration? string|lightuserdata The configuration limiting this key; omit (or clear) for allow-all. By the name of one of `accessKeyConfigurations`.
---@field tokenFile? string Where a created record's token is written, once (mode 0600).
---@field renamedFrom? string The record's name before: the rename is one update.
---@field adopt? boolean Mark a matching record this stack does not own yet as its own (or --adopt).
---@field protect? boolean Refuse, at plan time, any plan that deletes it.

---A record of `accessKeyConfigurations` in an account file.
---@class luagate.account.accessKeyConfiguration
---@field name string Names the record in the file (unique per collection); how it is matched with the account's.
---@field description? string|lightuserdata Free text, at most 255 characters.
---@field metadata? table|string|lightuserdata Free-form text (often JSON) of at most 4096 characters. A table is a JSON object; its member `luagate` is the ownership marker.
---@field access? table|lightuserdata Allowed providers and models; omit a dimension for no restriction.
---@field router? table|lightuserdata Routing rules: which provider keys serve which provider or model.
---@field firewallPolicy? string|lightuserdata This configuration's own firewall policy, enforced with the account-wide one. By the name of one of `firewallPolicies`.
---@field renamedFrom? string The record's name before: the rename is one update.
---@field adopt? boolean Mark a matching record this stack does not own yet as its own (or --adopt).
---@field protect? boolean Refuse, at plan time, any plan that deletes it.

---A record of `apiKeys` in an account file.
---@class luagate.account.apiKey
---@field name string Names the record in the file (unique per collection); how it is matched with the account's.
---@field description? string|lightuserdata Free text, at most 255 characters.
---@field metadata? table|string|lightuserdata Free-form text (often JSON) of at most 4096 characters. A table is a JSON object; its member `luagate` is the ownership marker.
---@field tokenFile? string Where a created record's token is written, once (mode 0600).
---@field renamedFrom? string The record's name before: the rename is one update.
---@field adopt? boolean Mark a matching record this stack does not own yet as its own (or --adopt).
---@field protect? boolean Refuse, at plan time, any plan that deletes it.

---A record of `providers` in an account file.
---@class luagate.account.provider
---@field name string Names the record in the file (unique per collection); how it is matched with the account's.
---@field providerId string The id scripts and provider keys use, e.g. `internal-vllm` (immutable, unique).
---@field baseUrl string The provider's base URL (settable, not clearable).
---@field metadata? table|string|lightuserdata Free-form text (often JSON) of at most 4096 characters. A table is a JSON object; its member `luagate` is the ownership marker.
---@field supportedApiSurfaces? table[]|lightuserdata The API surfaces it speaks.
---@field models? table[]|lightuserdata Its models (an update replaces the list).
---@field renamedFrom? string The record's name before: the rename is one update.
---@field adopt? boolean Mark a matching record this stack does not own yet as its own (or --adopt).
---@field protect? boolean Refuse, at plan time, any plan that deletes it.

---A record of `gatewayConfig` in an account file.
---@class luagate.account.gatewayConfig
---@field totalTimeout? string Budget for a whole request with retries (Go duration, `2m`).
---@field perRequestTimeout? string Budget for one upstream attempt (Go duration, `30s`).
---@field maxInputTokens? integer|lightuserdata Largest prompt allowed, in tokens (absent: no limit).
---@field maxOutputTokens? integer|lightuserdata Largest completion allowed, in tokens (absent: no limit).
---@field metadata? table|string|lightuserdata Free-form text (often JSON) of at most 4096 characters. A table is a JSON object; its member `luagate` is the ownership marker.
---@field firewallPolicy? string|lightuserdata The account-wide firewall policy (absent: none). By the name of one of `firewallPolicies`.

---A record of `virtualModels` in an account file.
---@class luagate.account.virtualModel
---@field name string Names the record in the file (unique per collection); how it is matched with the account's.
---@field description? string|lightuserdata Free text, at most 255 characters.
---@field models string[] The models tried in order (1 to 10, distinct): `provider:model`, or a model id for any provider; `ngrok/auto` only alone.
---@field renamedFrom? string The record's name before: the rename is one update.
---@field adopt? boolean Mark a matching record this stack does not own yet as its own (or --adopt).
---@field protect? boolean Refuse, at plan time, any plan that deletes it.

---A record of `firewallPolicies` in an account file.
---@class luagate.account.firewallPolicy
---@field name string Names the record in the file (unique per collection); how it is matched with the account's.
---@field description? string|lightuserdata Free text, at most 255 characters.
---@field mode? string `enforce` (default) or `audit` (report only).
---@field onError? string When a rule cannot be evaluated: `block` (default) or `log`.
---@field environment? any[]|lightuserdata Facts about the deployment the rules may use (at most 32).
---@field rules? table[] The rules, every tier, at most 48.
---@field renamedFrom? string The record's name before: the rename is one update.
---@field adopt? boolean Mark a matching record this stack does not own yet as its own (or --adopt).
---@field protect? boolean Refuse, at plan time, any plan that deletes it.

---The account file: what `account { … }` takes and returns.
---@class luagate.account.file
---@field stack string Names this file's records in their ownership marker (metadata member `luagate`).
---@field prune? boolean Delete the records marked with this stack that the file no longer names (or --prune).
---@field include? string[] More files (paths relative to this one), each returning a table of collections.
---@field providerKeys? luagate.account.providerKey[] Credentials the gateway uses to call an AI provider.
---@field accessKeys? luagate.account.accessKey[] Keys that clients present to the AI Gateway, optionally limited by a configuration.
---@field accessKeyConfigurations? luagate.account.accessKeyConfiguration[] Which providers and models access keys may reach, and which provider keys serve them.
---@field apiKeys? luagate.account.apiKey[] Keys for the ngrok.ai management API (what luagate itself uses).
---@field providers? luagate.account.provider[] Custom AI providers the gateway can route to (built-in ones need no record).
---@field gatewayConfig? luagate.account.gatewayConfig Account-wide gateway settings: timeouts and token limits.
---@field virtualModels? luagate.account.virtualModel[] A model name clients send that stands for an ordered list of models, tried in turn.
---@field firewallPolicies? luagate.account.firewallPolicy[] Firewall rules for gateway traffic, account-wide or per access key configuration.

---@class luagate.account
---@overload fun(t: luagate.account.file): luagate.account.file
local account = {}

--- ref = account.env(name): a secret read from the environment variable `name` at apply.
---@param name string
---@return luagate.account.secret
function account.env(name) end

--- ref = account.file(path): a secret read from a file at apply (its trailing newline dropped).
---@param path string
---@return luagate.account.secret
function account.file(path) end

--- text = account.export{collections = {…}, stack = "name"}: the live account as an
--- account file (see luagate.account.export).
function account.export(opts) end

--- acct = account.load(path): the account file read and checked (raises one error listing
--- every problem, with file and line).
function account.load(path) end

---@type any
account.null = nil

--- p = account.plan(path | acct [, {prune =, adopt =, max_deletes =}]): reads the
--- collections the file needs and returns the plan that makes the account match it. Raises
--- (code "account", nothing sent) when the file or the plan has problems.
function account.plan(file, opts) end

--- p = account.saved(path): a plan saved by `--plan FILE --out PLAN.json`, checked against
--- the account as it is now: refused (code "stale_plan", nothing sent) when any record it
--- touches or points at changed since, naming each; a delete of a record this stack does not
--- own, a body the client would refuse or a secret that cannot be read refuses it too.
function account.saved(path) end

return account
