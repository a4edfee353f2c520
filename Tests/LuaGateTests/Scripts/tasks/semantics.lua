-- task semantics without fault injection; prints one line per check.
local function check(name, cond) print(name, cond and "ok" or "FAILED") end

-- task.map keeps order and isolates errors.
local results, errors = task.map({ 1, 2, 3, 4, 5 }, function(x, i)
  if x == 3 then error({ code = "three" }) end
  task.sleep(0.001 * (6 - x)) -- later items finish first
  return x * 10, "ignored second value"
end, { concurrency = 5, errors = "collect" })
check("map order", results[1] == 10 and results[2] == 20 and results[4] == 40 and results[5] == 50)
check("map isolated error", results[3] == nil and errors[3].code == "three" and errors[1] == nil)

-- Without errors = "collect", one error object lists the failed indices.
local ok, err = pcall(task.map, { "a", "b", "c" }, function(x) if x ~= "b" then error("bad " .. x, 0) end return x end)
check("map raises", not ok and err.code == "task.map" and err.failed[1] == 1 and err.failed[2] == 3 and err.results[2] == "b")
check("map error text", tostring(err) == "task.map: 2 of 3 items failed: #1: bad a; #3: bad c")

-- await re-raises the very same error object.
local thrown = setmetatable({ code = "mine" }, { __tostring = function() return "mine" end })
local failing = task.spawn(function() error(thrown) end)
local ok2, caught = pcall(failing.await, failing)
check("await re-raises same object", not ok2 and rawequal(caught, thrown))
local ok3, again = pcall(failing.await, failing)
check("await twice", not ok3 and rawequal(again, thrown))

-- Nested spawns, awaited from inside a task and from the main thread.
local outer = task.spawn(function()
  local inner = task.spawn(function(a, b) task.sleep(0.001) return a + b end, 20, 22)
  local innerResult = inner:await()
  return innerResult, "outer"
end)
local v, w = outer:await()
check("nested spawn", v == 42 and w == "outer")

-- A task that never makes an API call or sleeps finishes at once.
local plain = task.spawn(function(...) return select("#", ...), ... end, "x", nil, "z")
local n, a, b, c = plain:await()
check("plain task", n == 3 and a == "x" and b == nil and c == "z")

-- coroutine.wrap inside a task is a plain coroutine: its yields are its own.
local wrapped = task.spawn(function()
  local gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end)
  task.sleep(0.001)
  return gen() + gen() + gen()
end)
check("coroutine.wrap in task", wrapped:await() == 6)

-- The main thread stays the main thread.
local _, ismain = coroutine.running()
check("main thread", ismain and not coroutine.isyieldable())

-- task.all returns first results in order.
local all = task.all { task.spawn(function() task.sleep(0.002) return "a" end), task.spawn(function() return "b", "x" end) }
check("task.all", all[1] == "a" and all[2] == "b" and #all == 2)

-- A task awaiting itself is an error, not a hang.
local selfish
selfish = task.spawn(function() task.sleep(0) return pcall(selfish.await, selfish) end)
local okSelf = selfish:await()
check("await self", okSelf == false)

-- Argument errors.
check("spawn needs a function", not pcall(task.spawn, 42))
check("map needs a table", select(2, pcall(task.map, nil, print)):match("bad argument #1 to 'map'") ~= nil)
check("sleep needs a number", select(2, pcall(task.sleep, "x")):match("number expected") ~= nil)
