-- Nightly job: every key's name starts with its provider ("openai-…").
-- A key whose name does not is renamed to its provider, a dash and its old name as a slug:
-- lower case, accented Latin letters folded to ASCII ("Équipe" → "equipe", "ß" → "ss"),
-- other non-ASCII characters kept as they are, every run of anything else one "-", and the
-- provider's own word dropped from the rest ("ci-google" → "google-ci", not
-- "google-ci-google"). Nothing else changes.
--   luagate --lock /run/lock/luagate-naming.lock --journal naming.jsonl --max-changes 50 \
--     scripts/jobs/enforce-naming.lua
-- Rehearse it with `luagate --sandbox --dry-run scripts/jobs/enforce-naming.lua`: it then
-- says what it would rename and sends nothing.
local job = require "luagate.job"
local rename = require "luagate.rename"

-- Accented Latin letters (Latin-1 and Latin Extended-A, small and capital) and their
-- ASCII folding.
local FOLD = { ["\u{A0}"] = " " } -- a no-break space is a space
for ascii, letters in pairs {
  a = "àáâãäåāăąÀÁÂÃÄÅĀĂĄ", c = "çćĉċčÇĆĈĊČ", d = "ďđðĎĐÐ", e = "èéêëēĕėęěÈÉÊËĒĔĖĘĚ",
  g = "ĝğġģĜĞĠĢ", h = "ĥħĤĦ", i = "ìíîïĩīĭįıÌÍÎÏĨĪĬĮİ", j = "ĵĴ", k = "ķĶ", l = "ĺļľŀłĹĻĽĿŁ",
  n = "ñńņňŉÑŃŅŇ", o = "òóôõöøōŏőÒÓÔÕÖØŌŎŐ", r = "ŕŗřŔŖŘ", s = "śŝşšŚŜŞŠ", t = "ţťŧŢŤŦ",
  u = "ùúûüũūŭůűųÙÚÛÜŨŪŬŮŰŲ", w = "ŵŴ", y = "ýÿŷÝŸŶ", z = "źżžŹŻŽ",
  ae = "æÆ", oe = "œŒ", ss = "ßẞ", th = "þÞ",
} do
  for _, code in utf8.codes(letters) do FOLD[utf8.char(code)] = ascii end
end

--- slug = slug(text): lower-case ASCII letters and digits, folded accents, other non-ASCII
--- characters kept, every other run of characters one "-", none at either end.
local function slug(text)
  local folded = text:gsub(utf8.charpattern, function(c) return FOLD[c] end)
  return (folded:lower():gsub("[^%w\128-\255]+", "-"):gsub("^%-+", ""):gsub("%-+$", ""))
end

-- The name `key` should have, or nil when it already starts with its provider.
local function wanted(key)
  local provider = slug(key.providerId)
  local name = key.name
  if name == provider or name:sub(1, #provider + 1) == provider .. "-" then return nil end
  -- The provider's word (or words) anywhere in the name go: it becomes the prefix.
  local word, rest, count = "%-" .. provider:gsub("%p", "%%%0") .. "%-", "-" .. slug(name) .. "-", 1
  while count > 0 do rest, count = rest:gsub(word, "-") end
  rest = rest:gsub("^%-", ""):gsub("%-$", "")
  return rest == "" and provider or provider .. "-" .. rest
end

local keys = providerKeys.list()
local p = rename.plan(keys, wanted)
print(("%d of %d keys need the provider prefix"):format(#p, #keys))

-- All or nothing against the change budget: apply refuses before the first update when the
-- plan does not fit --max-changes.
if #p > 0 then p:show() end
local report = p:apply { quiet = true }
if job.dry_run then
  print(("dry run, nothing sent: would rename %d, %d already named, %d failed"):format(
    report.would_update, report.unchanged, #report.failed))
else
  print(("%d renamed, %d already named, %d failed"):format(report.updated, report.unchanged, #report.failed))
end
for _, failure in ipairs(report.failed) do
  io.stderr:write(("failed: %s: %s\n"):format(failure.id, tostring(failure.error)))
end
for _, drift in ipairs(report.drifted or {}) do
  io.stderr:write(("not renamed: %s: %s\n"):format(drift.id, drift.error.message))
end
