-- Move a model to the front of a virtual model, as a reviewable plan: apps that ask for the
-- virtual model get that model first from their next request on, with no redeploy. A model not
-- yet in the list is added in front. The plan shows old → new, then applies (--dry-run: shows
-- only); if someone changed the list since it was read, the change is skipped, not overwritten.
-- Without arguments, the first virtual model's last model moves to the front.
--   luagate --sandbox scripts/examples/virtual-model-switch.lua [NAME] [MODEL]
local plan = require "luagate.plan"

local all = virtualModels.list()
local name, model = arg and arg[1], arg and arg[2]
local target
for _, v in ipairs(all) do
  if v.name == name or (not name and #v.models > 1 and not target) then target = v end
end
if not target then
  io.stderr:write(("no virtual model named %q (there are: "):format(tostring(name)))
  local names = {}
  for _, v in ipairs(all) do names[#names + 1] = v.name end
  io.stderr:write(table.concat(names, ", "), ")\n")
  os.exit(2)
end
model = model or target.models[#target.models]

local models = { model }
for _, m in ipairs(target.models) do
  if m ~= model then models[#models + 1] = m end
end

local p = plan.new { {
  resource = "virtualModels", id = target.id,
  before = { models = target.models }, after = { models = models },
} }
print(("%s: %s first"):format(target.name, model))
print("  before: " .. table.concat(target.models, ", "))
print("  after:  " .. table.concat(models, ", "))
p:show()
local report = p:apply { on_error = "abort" }
if report.dry_run then
  print(("would update %d, %d unchanged"):format(report.would_update, report.unchanged))
else
  print(("updated %d, %d unchanged, %d failed"):format(report.updated, report.unchanged, #report.failed))
end
