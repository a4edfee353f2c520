-- 20,000 task.spawn of trivial functions, all awaited; reports the growth of the
-- resident set (from /proc/self/statm) and of its peak (VmHWM, /proc/self/status).
--   luagate spawn_rss.lua [count] [page_size]
-- Prints: SPAWN count=N rss_before_kb=A rss_after_kb=B growth_kb=B-A peak_growth_kb=HWM-A seconds=S
-- A second pass does the same with tasks that each wait once (task.sleep(0)),
-- so all of them are alive at the same time.
local count = math.tointeger(tonumber(arg[1] or "20000"))
local page_kb = math.tointeger(tonumber(arg[2] or "4096")) // 1024

local function rss_kb()
  local file = assert(io.open("/proc/self/statm", "r"))
  local _, resident = file:read("l"):match("^(%d+)%s+(%d+)")
  file:close()
  return math.tointeger(resident) * page_kb
end

local function peak_kb()
  local file = assert(io.open("/proc/self/status", "r"))
  local text = file:read("a")
  file:close()
  return math.tointeger(text:match("VmHWM:%s*(%d+)"))
end

local function run(label, fn)
  collectgarbage()
  local before = rss_kb()
  local start = task.now()
  local handles = {}
  for i = 1, count do handles[i] = task.spawn(fn, i) end
  for i = 1, count do assert(handles[i]:await() == i) end
  local seconds = task.now() - start
  local after = rss_kb()
  print(("SPAWN kind=%s count=%d rss_before_kb=%d rss_after_kb=%d growth_kb=%d peak_growth_kb=%d seconds=%.3f"):format(
    label, count, before, after, after - before, peak_kb() - before, seconds))
end

run("trivial", function(i) return i end)
run("waiting", function(i) task.sleep(0) return i end)
