-- Buys AMOUNT cents of credits when the balance is below THRESHOLD cents, and waits for the
-- purchase to succeed or fail.
--   luagate --sandbox scripts/examples/top-up-credits.lua [threshold-cents] [amount-cents]
--   luagate --journal top-up.journal --resume scripts/examples/top-up-credits.lua 50000 20000
--
-- Safe to re-run and to kill. Every purchase carries an Idempotency-Key that the journal
-- records before the request goes out, so a run killed mid-purchase and run again with
-- --resume repeats that key, and the API answers with the same purchase instead of charging
-- twice. A purchase that is still unresolved makes the API refuse a new one (409,
-- purchase_in_progress): this script then waits for that one instead. Once a purchase went
-- through, the balance is above the threshold and a re-run buys nothing.
local job = require "luagate.job"

local threshold = math.tointeger(tonumber(arg and arg[1]) or 150000)
local amount = math.tointeger(tonumber(arg and arg[2]) or 25000)
if not threshold or not amount then
  io.stderr:write("usage: top-up-credits.lua [threshold-cents] [amount-cents] (whole cents)\n")
  os.exit(2)
end

local function dollars(cents)
  return string.format("$%d.%02d", cents // 100, cents % 100)
end

local balance = credits.balance().balanceCents
if balance >= threshold then
  print(string.format("balance %s is at or above %s: nothing to buy", dollars(balance), dollars(threshold)))
  return
end
print(string.format("balance %s is below %s: buying %s", dollars(balance), dollars(threshold), dollars(amount)))

-- The purchase the API is already working on, if it refused a new one for that reason.
local function in_progress(err)
  if type(err) ~= "table" or err.status ~= 409 or not err.body then return nil end
  local ok, decoded = pcall(json.decode, err.body)
  local details = ok and type(decoded) == "table" and decoded.details
  if type(details) == "table" and details.reason == "purchase_in_progress" then return details.purchase_id end
  return nil
end

local ok, attempt = pcall(credits.purchase, { amount = amount })
if not ok then
  local pending = in_progress(attempt)
  if not pending then error(attempt, 0) end
  print("another purchase is under way (" .. pending .. "): waiting for it instead")
  attempt = credits.purchaseStatus(pending)
end
if job.dry_run then
  print(string.format("dry run: would buy %s (nothing was sent)", dollars(attempt.amountCents)))
  return
end

-- `pending` can last until the payment gate reports back: poll, never buy again.
local delay = 1
for _ = 1, 10 do
  if attempt.status == "succeeded" or attempt.status == "failed" then break end
  attempt = credits.purchaseStatus(attempt.id)
  if attempt.status == "pending" or attempt.status == "actionRequired" then
    task.sleep(delay)
    delay = math.min(delay * 2, 30)
  end
end

if attempt.status == "succeeded" then
  print(string.format("bought %s (%s); balance now %s", dollars(attempt.amountCents), attempt.id,
    dollars(credits.balance().balanceCents)))
elseif attempt.status == "failed" then
  local reason = attempt.failureMessage or attempt.failureCode or "no reason given"
  print(string.format("purchase %s failed: %s", attempt.id, reason))
  os.exit(1)
else
  print(string.format("purchase %s is still %s; run again later to check on it", attempt.id, attempt.status))
end
