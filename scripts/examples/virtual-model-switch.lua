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

-- The list's own rules, said before anything is planned: `ngrok/auto` stands alone, and a
-- virtual model holds at most 10 models.
local AUTO, MAX_MODELS = "ngrok/auto", 10
local function refuse(message)
  io.stderr:write(("%s: %s\n"):format(target.name, message))
  os.exit(2)
end
local present = false
for _, m in ipairs(target.models) do present = present or m == model end
if model == AUTO and #target.models > (present and 1 or 0) then
  refuse(AUTO .. " must be the only model, and this list has others; replace the whole list with"
    .. " virtualModels.update instead")
elseif model ~= AUTO and #target.models == 1 and target.models[1] == AUTO then
  refuse("the list is only " .. AUTO .. ", which cannot share it; replace the whole list with"
    .. " virtualModels.update instead")
elseif not present and #target.models >= MAX_MODELS then
  refuse(("the list already holds %d models, the most a virtual model can; remove one first"):format(#target.models))
end

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
