-- Why a gateway request failed over: every upstream attempt behind it (the request id is the
-- response's Ngrok-AIG-Request-Id header), in order, with how each ended, what the gateway did
-- next, and which attempt served the answer. Without an id, the latest request of the last 30
-- days that took more than one attempt.
--   luagate --sandbox scripts/examples/why-failed-over.lua [REQUEST_ID]
local request_id = arg and arg[1]
if not request_id then
  for event in usage.iter { startTime = os.time() - 30 * 86400, includeRetries = true } do
    if event.attemptNumber > 1 then
      request_id = event.requestId
      break
    end
  end
  if not request_id then
    print("no request of the last 30 days took more than one attempt")
    return
  end
end

local trace = usage.attempts(request_id)
print(("request %s: %d attempt%s"):format(trace.requestId, #trace.attempts, #trace.attempts == 1 and "" or "s"))
local served
for _, a in ipairs(trace.attempts) do
  local e = a.event
  print(("  #%d %s  %s:%s  HTTP %d  %s%s  %s  next: %s%s"):format(
    e.attemptNumber, e.eventTime, e.provider, e.model, e.statusCode, a.completion,
    e.timedOut and " (timed out)" or "",
    a.requestDurationMs and ("%d ms"):format(a.requestDurationMs) or "-",
    a.retryAction or "(not recorded)",
    e.keySource == "user" and ("  key " .. tostring(e.providerKeyDisplayName or e.providerKeyId)) or "  ngrok's key"))
  if a.served then served = a end
end
if served then
  local failed = served.event.attemptNumber - 1
  print(("served by %s:%s after %d failed attempt%s"):format(served.event.provider, served.event.model, failed,
    failed == 1 and "" or "s"))
else
  print("no attempt served the request: the client got an error")
end
