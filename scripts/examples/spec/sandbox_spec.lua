-- The `sandbox` library in a busted spec: each test starts from the same account, and can
-- check exactly what a job sent.
--   LUAGATE_SANDBOX=1 busted --lua=luagate scripts/examples/spec
describe("a job that tags access keys", function()
  before_each(function() sandbox.reset() end)

  local function tag_all(owner)
    for key in accessKeys.iter() do
      accessKeys.update(key.id, { metadata = json.encode { owner = owner } })
    end
  end

  it("sends one PATCH per access key", function()
    tag_all("ana@example.com")
    local patches = 0
    for _, request in ipairs(sandbox.requests()) do
      if request.method == "PATCH" then
        patches = patches + 1
        assert.are.equal('{"owner":"ana@example.com"}', request.body.metadata)
      end
    end
    assert.are.equal(#accessKeys.list(), patches)
  end)

  it("starts each test from the sample account again", function()
    assert.are.equal(0, #sandbox.requests())
    assert.is_nil(accessKeys.list()[1].metadata and accessKeys.list()[1].metadata:find("ana@"))
  end)

  it("works on an account made for the test", function()
    sandbox.load { aiGatewayAccessKeys = {
      { id = "aigak_1", name = "only", keyRedacted = "ngak_***0001", createdAt = "2026-01-01T00:00:00Z" },
    } }
    tag_all("bob@example.com")
    assert.are.equal('{"owner":"bob@example.com"}', accessKeys.get("aigak_1").metadata)
  end)

  it("survives a flaky API: 503s are retried", function()
    sandbox.faults { rate_503 = 0.3 }
    tag_all("chen@example.com")
    sandbox.faults()
    for key in accessKeys.iter() do
      assert.are.equal('{"owner":"chen@example.com"}', key.metadata)
    end
  end)
end)
