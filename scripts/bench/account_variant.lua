-- The changed account of scripts/bench/account.sh: the account file named by BENCH_ACCOUNT_BASE
-- (an export, or account_gen.py's account.lua) with the description of its first
-- BENCH_ACCOUNT_CHANGES provider keys changed, so its plan is that many updates.
-- It changes the table the base file hands to `account { … }`, whatever the file's layout:
--   BENCH_ACCOUNT_BASE=export.lua BENCH_ACCOUNT_CHANGES=1000 luagate --plan account_variant.lua
local base = assert(os.getenv("BENCH_ACCOUNT_BASE"), "BENCH_ACCOUNT_BASE: the account file to change")
local changes = math.tointeger(tonumber(os.getenv("BENCH_ACCOUNT_CHANGES") or "1000"))

local account = require "luagate.account"
local changing = setmetatable({}, {
  __index = account,
  __call = function(_, spec)
    local keys = spec.providerKeys or {}
    assert(#keys >= changes, ("%s has %d provider keys, fewer than %d"):format(base, #keys, changes))
    for i = 1, changes do
      keys[i].description = "changed: " .. tostring(keys[i].description or keys[i].name)
    end
    return account(spec)
  end,
})

package.loaded["luagate.account"] = changing
local ok, result = pcall(assert(loadfile(base)))
package.loaded["luagate.account"] = account
if not ok then error(result, 0) end
return result
