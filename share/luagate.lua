---@meta
-- The luagate globals for lua-language-server, written by `luagate --types DIR` from the
-- resource catalogue. Records are plain tables with the API's field names.

---An API failure, as every luagate function raises it.
---@class luagate.error
---@field status integer? The HTTP status; nil for validation and transport failures.
---@field code string ngrok's `ERR_NGROK_…` code, or validation, http, network, timeout, decode, auth, config, drift.
---@field message string What went wrong.
---@field operation string The call, e.g. `providerKeys.update`.
---@field id string? The record id, when there is one.
---@field field string? The offending field, for validation errors.
---@field body string? The raw response body, for HTTP errors.
---@field current table? For `drift` errors: the record as it is now.

---`{id, uri}` of a user or record.
---@class luagate.ref
---@field id string
---@field uri string

---Options of every `update`: `expect` sends the update only if these fields still hold these values;
---a record that already holds the update's values is left alone (second result `"unchanged"`);
---`before` is the record as the caller read it, which `--journal` records without reading it again.
---@class luagate.updateOptions
---@field expect? table<string, any>
---@field before? table

---Credentials the gateway uses to call an AI provider.
---@class luagate.providerKey
---@field id string The provider key's id.
---@field uri string The API URI of this record.
---@field createdAt string When it was created.
---@field updatedAt string When it was last changed.
---@field createdBy luagate.ref Who created it ({id, uri}).
---@field lastUpdatedBy luagate.ref Who last changed it ({id, uri}).
---@field providerId string The provider, e.g. `openai`, or a custom provider's providerId.
---@field name string Human-readable name.
---@field keyRedacted string The secret, redacted (`sk-proj-ab***wxyz`).
---@field description string? Free text, at most 255 characters.
---@field metadata string? Free-form text (often JSON) of at most 4096 characters.
---@field lastUsed string? When the gateway last used it (absent if never).

---@class luagate.providerKeys
providerKeys = {}

---`providerKeys.list{limit = ?, provider = ?}`
---@param params? {limit?: integer, provider?: string}
---@return luagate.providerKey[]
function providerKeys.list(params) end

---`providerKeys.iter{limit = ?, provider = ?}`
---@param params? {limit?: integer, provider?: string}
---@return fun(): luagate.providerKey?
function providerKeys.iter(params) end

---`providerKeys.get(id)`
---@param id string
---@return luagate.providerKey
function providerKeys.get(id) end

---`providerKeys.create{providerId =, name =, value =, description = ?, metadata = ?}`
---@param fields {providerId: string, name: string, value: string, description?: string, metadata?: string}
---@return luagate.providerKey
function providerKeys.create(fields) end

---`providerKeys.update(id, {name = ?, description = ?, metadata = ?})`
---@param id string
---@param fields {name?: string|lightuserdata, description?: string|lightuserdata, metadata?: string|lightuserdata}
---@param options? luagate.updateOptions
---@return luagate.providerKey
---@return "unchanged"? unchanged
function providerKeys.update(id, fields, options) end

---`providerKeys.delete(id)`
---@param id string
---@return true
function providerKeys.delete(id) end

---Replace the secret value (and set the name).
---`providerKeys.rotate(id, {value =, name =})`
---@param id string
---@param fields {value: string, name: string}
---@return luagate.providerKey
function providerKeys.rotate(id, fields) end

---Keys that clients present to the AI Gateway, optionally limited by a configuration.
---@class luagate.accessKey
---@field id string The access key's id.
---@field uri string The API URI of this record.
---@field createdAt string When it was created.
---@field updatedAt string When it was last changed.
---@field createdBy luagate.ref Who created it ({id, uri}).
---@field lastUpdatedBy luagate.ref Who last changed it ({id, uri}).
---@field name string? Human-readable name.
---@field description string? Free text, at most 255 characters.
---@field metadata string? Free-form text (often JSON) of at most 4096 characters.
---@field keyRedacted string The secret, redacted (`sk-proj-ab***wxyz`).
---@field lastUsed string? When the gateway last used it (absent if never).
---@field token string? The secret token, returned only by create: store it then.
---@field accessKeyConfiguration table? The configuration in force ({id, uri, name}), absent for allow-all.

---@class luagate.accessKeys
accessKeys = {}

---`accessKeys.list{limit = ?, accessKeyConfigurationId = ?}`
---@param params? {limit?: integer, accessKeyConfigurationId?: string}
---@return luagate.accessKey[]
function accessKeys.list(params) end

---`accessKeys.iter{limit = ?, accessKeyConfigurationId = ?}`
---@param params? {limit?: integer, accessKeyConfigurationId?: string}
---@return fun(): luagate.accessKey?
function accessKeys.iter(params) end

---`accessKeys.get(id)`
---@param id string
---@return luagate.accessKey
function accessKeys.get(id) end

---`accessKeys.create{name = ?, description = ?, metadata = ?, accessKeyConfigurationId = ?}`
---@param fields {name?: string, description?: string, metadata?: string, accessKeyConfigurationId?: string}
---@return luagate.accessKey
function accessKeys.create(fields) end

---`accessKeys.update(id, {name = ?, description = ?, metadata = ?, accessKeyConfigurationId = ?})`
---@param id string
---@param fields {name?: string|lightuserdata, description?: string|lightuserdata, metadata?: string|lightuserdata, accessKeyConfigurationId?: string|lightuserdata}
---@param options? luagate.updateOptions
---@return luagate.accessKey
---@return "unchanged"? unchanged
function accessKeys.update(id, fields, options) end

---`accessKeys.delete(id)`
---@param id string
---@return true
function accessKeys.delete(id) end

---Which providers and models access keys may reach, and which provider keys serve them.
---@class luagate.accessKeyConfiguration
---@field id string The configuration's id.
---@field uri string The API URI of this record.
---@field createdAt string When it was created.
---@field updatedAt string When it was last changed.
---@field createdBy luagate.ref Who created it ({id, uri}).
---@field lastUpdatedBy luagate.ref Who last changed it ({id, uri}).
---@field name string Human-readable name.
---@field description string? Free text, at most 255 characters.
---@field metadata string? Free-form text (often JSON) of at most 4096 characters.
---@field access table? Allowed providers and models; omit a dimension for no restriction.
---@field router table? Routing rules: which provider keys serve which provider or model.
---@field accessKeyCount integer How many access keys use it (read-only).
---@field firewallPolicyId string? This configuration's own firewall policy, enforced with the account-wide one.

---@class luagate.accessKeyConfigurations
accessKeyConfigurations = {}

---`accessKeyConfigurations.list{limit = ?}`
---@param params? {limit?: integer}
---@return luagate.accessKeyConfiguration[]
function accessKeyConfigurations.list(params) end

---`accessKeyConfigurations.iter{limit = ?}`
---@param params? {limit?: integer}
---@return fun(): luagate.accessKeyConfiguration?
function accessKeyConfigurations.iter(params) end

---`accessKeyConfigurations.get(id)`
---@param id string
---@return luagate.accessKeyConfiguration
function accessKeyConfigurations.get(id) end

---`accessKeyConfigurations.create{name =, description = ?, metadata = ?, access = ?, router = ?, firewallPolicyId = ?}`
---@param fields {name: string, description?: string, metadata?: string, access?: table, router?: table, firewallPolicyId?: string}
---@return luagate.accessKeyConfiguration
function accessKeyConfigurations.create(fields) end

---`accessKeyConfigurations.update(id, {name = ?, description = ?, metadata = ?, access = ?, router = ?, firewallPolicyId = ?})`
---@param id string
---@param fields {name?: string|lightuserdata, description?: string|lightuserdata, metadata?: string|lightuserdata, access?: table|lightuserdata, router?: table|lightuserdata, firewallPolicyId?: string|lightuserdata}
---@param options? luagate.updateOptions
---@return luagate.accessKeyConfiguration
---@return "unchanged"? unchanged
function accessKeyConfigurations.update(id, fields, options) end

---`accessKeyConfigurations.delete(id)`
---@param id string
---@return true
function accessKeyConfigurations.delete(id) end

---Keys for the ngrok.ai management API (what luagate itself uses).
---@class luagate.apiKey
---@field id string The API key's id.
---@field uri string The API URI of this record.
---@field createdAt string When it was created.
---@field updatedAt string When it was last changed.
---@field createdBy luagate.ref Who created it ({id, uri}).
---@field lastUpdatedBy luagate.ref Who last changed it ({id, uri}).
---@field name string? Human-readable name.
---@field description string? Free text, at most 255 characters.
---@field metadata string? Free-form text (often JSON) of at most 4096 characters.
---@field keyRedacted string The secret, redacted (`sk-proj-ab***wxyz`).
---@field lastUsed string? When the gateway last used it (absent if never).
---@field token string? The secret token, returned only by create: store it then.

---@class luagate.apiKeys
apiKeys = {}

---`apiKeys.list{limit = ?}`
---@param params? {limit?: integer}
---@return luagate.apiKey[]
function apiKeys.list(params) end

---`apiKeys.iter{limit = ?}`
---@param params? {limit?: integer}
---@return fun(): luagate.apiKey?
function apiKeys.iter(params) end

---`apiKeys.get(id)`
---@param id string
---@return luagate.apiKey
function apiKeys.get(id) end

---`apiKeys.create{name = ?, description = ?, metadata = ?}`
---@param fields {name?: string, description?: string, metadata?: string}
---@return luagate.apiKey
function apiKeys.create(fields) end

---`apiKeys.update(id, {name = ?, description = ?, metadata = ?})`
---@param id string
---@param fields {name?: string|lightuserdata, description?: string|lightuserdata, metadata?: string|lightuserdata}
---@param options? luagate.updateOptions
---@return luagate.apiKey
---@return "unchanged"? unchanged
function apiKeys.update(id, fields, options) end

---`apiKeys.delete(id)`
---@param id string
---@return true
function apiKeys.delete(id) end

---Custom AI providers the gateway can route to (built-in ones need no record).
---@class luagate.provider
---@field id string The provider's id.
---@field uri string The API URI of this record.
---@field createdAt string When it was created.
---@field updatedAt string When it was last changed.
---@field createdBy luagate.ref Who created it ({id, uri}).
---@field lastUpdatedBy luagate.ref Who last changed it ({id, uri}).
---@field providerId string The id scripts and provider keys use, e.g. `internal-vllm` (immutable, unique).
---@field name string Human-readable name.
---@field baseUrl string The provider's base URL (settable, not clearable).
---@field metadata string? Free-form text (often JSON) of at most 4096 characters.
---@field supportedApiSurfaces table[]? The API surfaces it speaks.
---@field models table[]? Its models (an update replaces the list).

---@class luagate.providers
providers = {}

---`providers.list{limit = ?}`
---@param params? {limit?: integer}
---@return luagate.provider[]
function providers.list(params) end

---`providers.iter{limit = ?}`
---@param params? {limit?: integer}
---@return fun(): luagate.provider?
function providers.iter(params) end

---`providers.get(id)`
---@param id string
---@return luagate.provider
function providers.get(id) end

---`providers.create{providerId =, name =, baseUrl =, metadata = ?, supportedApiSurfaces = ?, models = ?}`
---@param fields {providerId: string, name: string, baseUrl: string, metadata?: string, supportedApiSurfaces?: table[], models?: table[]}
---@return luagate.provider
function providers.create(fields) end

---`providers.update(id, {name = ?, baseUrl = ?, metadata = ?, supportedApiSurfaces = ?, models = ?})`
---@param id string
---@param fields {name?: string|lightuserdata, baseUrl?: string, metadata?: string|lightuserdata, supportedApiSurfaces?: table[]|lightuserdata, models?: table[]|lightuserdata}
---@param options? luagate.updateOptions
---@return luagate.provider
---@return "unchanged"? unchanged
function providers.update(id, fields, options) end

---`providers.delete(id)`
---@param id string
---@return true
function providers.delete(id) end

---Account-wide gateway settings: timeouts and token limits.
---@class luagate.gatewayConfig
---@field accountId string The account.
---@field uri string The API URI of this record.
---@field totalTimeout string Budget for a whole request with retries (Go duration, `2m`).
---@field perRequestTimeout string Budget for one upstream attempt (Go duration, `30s`).
---@field maxInputTokens integer? Largest prompt allowed, in tokens (absent: no limit).
---@field maxOutputTokens integer? Largest completion allowed, in tokens (absent: no limit).
---@field metadata string? Free-form text (often JSON) of at most 4096 characters.
---@field firewallPolicyId string? The account-wide firewall policy (absent: none).

---@class luagate.gatewayConfig
gatewayConfig = {}

---`gatewayConfig.get()`
---@return luagate.gatewayConfig
function gatewayConfig.get() end

---`gatewayConfig.update{totalTimeout = ?, perRequestTimeout = ?, maxInputTokens = ?, maxOutputTokens = ?, metadata = ?, firewallPolicyId = ?}`
---@param fields {totalTimeout?: string, perRequestTimeout?: string, maxInputTokens?: integer|lightuserdata, maxOutputTokens?: integer|lightuserdata, metadata?: string|lightuserdata, firewallPolicyId?: string|lightuserdata}
---@param options? luagate.updateOptions
---@return luagate.gatewayConfig
---@return "unchanged"? unchanged
function gatewayConfig.update(fields, options) end

---What the gateway served: one event per upstream attempt, and daily aggregates.
---@class luagate.usageEvent
---@field id string The event's id.
---@field eventTime string When the attempt was made.
---@field requestId string The client request (shared by its attempts).
---@field accessKeyId string The access key that made the request.
---@field provider string The provider.
---@field providerDisplayName string The provider's display name.
---@field model string The model.
---@field modelDisplayName string The model's display name.
---@field attemptNumber integer 1 for the first attempt.
---@field isFinalAttempt boolean Whether no retry followed.
---@field statusCode integer The upstream HTTP status.
---@field timedOut boolean Whether the attempt timed out.
---@field isError boolean Whether the attempt failed.
---@field isStreaming boolean Whether the response was streamed.
---@field stopReason string Why generation stopped.
---@field inputTokens integer Prompt tokens.
---@field outputTokens integer Completion tokens.
---@field cacheReadTokens integer Tokens read from the prompt cache.
---@field reasoningTokens integer Reasoning tokens.
---@field cacheWriteTokens integer Tokens written to the prompt cache.
---@field cacheWrite5mTokens integer Of those, written with a 5-minute lifetime.
---@field cacheWrite1hTokens integer Of those, written with a 1-hour lifetime.
---@field inputTokensEstimate integer Prompt tokens as ngrok's tokenizer counts them.
---@field outputTokensEstimate integer Completion tokens as ngrok's tokenizer counts them.
---@field usageEstimated boolean The provider reported no usage: costs come from the estimates.
---@field inputTokenCost string Prompt cost, US dollars.
---@field outputTokenCost string Completion cost, US dollars.
---@field ngrokProcessingFee string ngrok's fee, US dollars.
---@field cacheReadCost string Cache read cost, US dollars.
---@field cacheWriteCost string Cache write cost, US dollars.
---@field cacheWrite5mCost string 5-minute cache write cost, US dollars.
---@field cacheWrite1hCost string 1-hour cache write cost, US dollars.
---@field totalCost string US dollars, as a decimal string.
---@field keySource string Whose key served it (`user` or `ngrok`).
---@field providerKeyId string? The provider key used, if one of yours.
---@field providerKeyDisplayName string? That provider key's name.
---@field virtualModel string? The virtual model the client asked for, if any.

---@class luagate.usage
usage = {}

---`usage.list{startTime =, endTime = ?, accessKeyId = ?, includeRetries = ?, limit = ?}`
---@param params {startTime: string|number, endTime?: string|number, accessKeyId?: string, includeRetries?: boolean, limit?: integer}
---@return luagate.usageEvent[]
function usage.list(params) end

---`usage.iter{startTime =, endTime = ?, accessKeyId = ?, includeRetries = ?, limit = ?}`
---@param params {startTime: string|number, endTime?: string|number, accessKeyId?: string, includeRetries?: boolean, limit?: integer}
---@return fun(): luagate.usageEvent?
function usage.iter(params) end

---Daily cost, requests and errors per provider or access key.
---`usage.overview{startTime =, endTime = ?, groupBy = ?}`
---@param params {startTime: string|number, endTime?: string|number, groupBy?: string}
---@return table
function usage.overview(params) end

---Every upstream attempt behind one gateway request (its `Ngrok-AIG-Request-Id`), in order.
---`usage.attempts(requestId)`
---@param requestId string
---@return table
function usage.attempts(requestId) end

---The prepaid credit balance, its transactions, and credit purchases (which spend money: see `credits.purchase`).
---@class luagate.credits

---@class luagate.credits
credits = {}

---The balance, in cents.
---`credits.balance()`
---@return table
function credits.balance() end

---Credit purchases, grants and usage invoices (each with a `type`).
---`credits.transactions()`
---@return table[]
function credits.transactions() end

---A model name clients send that stands for an ordered list of models, tried in turn.
---@class luagate.virtualModel
---@field id string The virtual model's id.
---@field uri string The API URI of this record.
---@field createdAt string When it was created.
---@field updatedAt string When it was last changed.
---@field createdBy luagate.ref Who created it ({id, uri}).
---@field lastUpdatedBy luagate.ref Who last changed it ({id, uri}).
---@field name string The name clients send as the model: letters, digits, `.`, `_`, `-`; no model's name.
---@field description string? Free text, at most 255 characters.
---@field models string[] The models tried in order (1 to 10, distinct): `provider:model`, or a model id for any provider; `ngrok/auto` only alone.
---@field warnings string[]? Models or names that changed after the last save (read-only).

---@class luagate.virtualModels
virtualModels = {}

---`virtualModels.list{limit = ?}`
---@param params? {limit?: integer}
---@return luagate.virtualModel[]
function virtualModels.list(params) end

---`virtualModels.iter{limit = ?}`
---@param params? {limit?: integer}
---@return fun(): luagate.virtualModel?
function virtualModels.iter(params) end

---`virtualModels.get(id)`
---@param id string
---@return luagate.virtualModel
function virtualModels.get(id) end

---`virtualModels.create{name =, models =, description = ?}`
---@param fields {name: string, description?: string, models: string[]}
---@return luagate.virtualModel
function virtualModels.create(fields) end

---`virtualModels.update(id, {name = ?, description = ?, models = ?})`
---@param id string
---@param fields {name?: string, description?: string|lightuserdata, models?: string[]}
---@param options? luagate.updateOptions
---@return luagate.virtualModel
---@return "unchanged"? unchanged
function virtualModels.update(id, fields, options) end

---`virtualModels.delete(id)`
---@param id string
---@return true
function virtualModels.delete(id) end

---Firewall rules for gateway traffic, account-wide or per access key configuration.
---@class luagate.firewallPolicy
---@field id string The firewall policy's id.
---@field uri string The API URI of this record.
---@field createdAt string When it was created.
---@field updatedAt string When it was last changed.
---@field createdBy luagate.ref Who created it ({id, uri}).
---@field lastUpdatedBy luagate.ref Who last changed it ({id, uri}).
---@field name string Human-readable name.
---@field description string? Free text, at most 255 characters.
---@field mode string? `enforce` (default) or `audit` (report only).
---@field onError string? When a rule cannot be evaluated: `block` (default) or `log`.
---@field environment any[]? Facts about the deployment the rules may use (at most 32).
---@field rules table[]? The rules, every tier, at most 48.
---@field accountWide boolean Whether the gateway configuration names this policy (read-only).

---@class luagate.firewallPolicies
firewallPolicies = {}

---`firewallPolicies.list{limit = ?}`
---@param params? {limit?: integer}
---@return luagate.firewallPolicy[]
function firewallPolicies.list(params) end

---`firewallPolicies.iter{limit = ?}`
---@param params? {limit?: integer}
---@return fun(): luagate.firewallPolicy?
function firewallPolicies.iter(params) end

---`firewallPolicies.get(id)`
---@param id string
---@return luagate.firewallPolicy
function firewallPolicies.get(id) end

---`firewallPolicies.create{name =, description = ?, mode = ?, onError = ?, environment = ?, rules = ?}`
---@param fields {name: string, description?: string, mode?: string, onError?: string, environment?: any[], rules?: table[]}
---@return luagate.firewallPolicy
function firewallPolicies.create(fields) end

---`firewallPolicies.update(id, {name = ?, description = ?, mode = ?, onError = ?, environment = ?, rules = ?})`
---@param id string
---@param fields {name?: string|lightuserdata, description?: string|lightuserdata, mode?: string, onError?: string, environment?: any[]|lightuserdata, rules?: table[]}
---@param options? luagate.updateOptions
---@return luagate.firewallPolicy
---@return "unchanged"? unchanged
function firewallPolicies.update(id, fields, options) end

---`firewallPolicies.delete(id)`
---@param id string
---@return true
function firewallPolicies.delete(id) end

---The models the gateway can serve, with each provider's prices and health.
---@class luagate.model
---@field id string The model's id.
---@field name string Its display name.
---@field created integer When it was added (Unix seconds).
---@field released integer? When it was released (Unix seconds), when known.
---@field description string? What it is.
---@field architecture table Modalities and tokenizer.
---@field slug string A short id.
---@field object string Always `model`.
---@field owned_by string `ngrok` (built in) or `organization_owned` (a custom provider's).
---@field providers table[] The providers serving it.

---@class luagate.models
models = {}

---Every model (one list, not paged).
---`models.list()`
---@return luagate.model[]
function models.list() end

---One model by id. The API has no path for one model: this reads the whole list and picks it (an unknown id raises a 404 error, as a record's get does).
---`models.get(id)`
---@param id string
---@return luagate.model
function models.get(id) end

---A credit purchase attempt.
---@class luagate.creditPurchase
---@field id string The purchase attempt's id.
---@field status string pending, actionRequired, succeeded or failed (the last two are final).
---@field amountCents integer The amount bought, in US cents.
---@field currency string ISO 4217 code, lowercase (`usd`).
---@field createdAt string When the attempt started.
---@field expiresAt string When the credits bought stop being usable.
---@field failureCode string? Why it failed (or `ambiguous_upstream` while pending after an unknown outcome); may be null.
---@field failureMessage string? The decline's detail, when it failed; may be null.

---Starts a purchase of `amount` cents of credits (charges the saved card; always sends an Idempotency-Key).
---`credits.purchase{amount =, idempotencyKey = ?}`
---@param fields {amount: integer, idempotencyKey?: string}
---@return luagate.creditPurchase
function credits.purchase(fields) end

---A purchase attempt, to poll until it succeeded or failed.
---`credits.purchaseStatus(id)`
---@param id string
---@return luagate.creditPurchase
function credits.purchaseStatus(id) end

---Requests the catalogue does not describe yet, to the configured API.
---@class luagate.api
api = {}

---Sends `method path` with the run's token, retries, timeouts and error objects, and returns the
---decoded body (nil when empty). POST, PUT, PATCH and DELETE obey --dry-run, --max-changes and the journal.
---`api.request(method, path [, {query = ?, body = ?}])`
---@param method "GET"|"HEAD"|"POST"|"PUT"|"PATCH"|"DELETE"
---@param path string A path of the API, e.g. `/credits/balance` (never a URL).
---@param options? {query?: table<string, string|number|boolean>, body?: table|string}
---@return any
function api.request(method, path, options) end

---JSON: `json.null` is the null that survives tables (sends JSON null, clears a field).
---@class luagate.json
---@field null lightuserdata
json = {}

---@param value any
---@param options? {indent?: boolean|integer, sort_keys?: boolean}
---@return string
function json.encode(value, options) end

---@param text string
---@return any
function json.decode(text) end

---A table that encodes as a JSON array even when empty.
---@param t? table
---@return table
function json.array(t) end

---Tasks on coroutines: API calls in a task yield, so tasks overlap.
---@class luagate.task
---@field concurrency integer The default concurrency of task.map.
task = {}

---@class luagate.taskHandle
local handle = {}

---Waits for the task and returns what it returned (or raises its error).
---@return any ...
function handle:await() end

---@param f function
---@param ... any
---@return luagate.taskHandle
function task.spawn(f, ...) end

---@param seconds number
function task.sleep(seconds) end

---@return number seconds on a monotonic clock
function task.now() end

---@param items table
---@param f fun(item: any, index: integer): any
---@param options? {concurrency?: integer}
---@return table results
function task.map(items, f, options) end

---@param handles luagate.taskHandle[]
---@return table results
function task.all(handles) end

-- Stdlib modules that are globals too, loaded on first use.
metadata = require("luagate.metadata")
rename = require("luagate.rename")
template = require("luagate.template")
