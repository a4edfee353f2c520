-- An example of testing a luagate script with busted, against the sandbox:
--   LUAGATE_SANDBOX=1 busted --lua=luagate scripts/examples/spec
-- Every run starts from the same deterministic sample account.
local time = require "luagate.time"

describe("finding unused keys", function()
  local function unused(days)
    local cutoff = time.days_ago(days)
    local found = {}
    for key in accessKeys.iter() do
      local used = key.lastUsed and time.parse(key.lastUsed)
      if not used or used < cutoff then found[#found + 1] = key.name end
    end
    table.sort(found)
    return found
  end

  it("lists the access keys nobody used for 90 days", function()
    assert.are.same({ "intern-sandbox", "legacy-batch" }, unused(90))
  end)

  it("refuses a bad update before sending it", function()
    local key = accessKeys.list()[1]
    local ok, err = pcall(accessKeys.update, key.id, { name = ("x"):rep(300) })
    assert.is_false(ok)
    assert.are.equal("validation", err.code)
    assert.are.equal("name", err.field)
  end)
end)
