-- The Lua half of the `task` library: what is written on top of the native
-- `spawn`, `sleep` and handle `await` (Sources/LuaGate/Tasks).
local task = ...

local error_mt = {
  __name = "luagate.error",
  __luagate = true, -- uncaught: the traceback is added
  __tostring = function(e) return e.operation .. ": " .. e.message end,
}

--- results = task.all{h1, h2, ...}: awaits each handle in turn and returns
--- the array of their first results (an error of any is raised again).
function task.all(handles)
  local results = {}
  for i, handle in ipairs(handles) do
    results[i] = (handle:await())
  end
  return results
end

--- results[, errors] = task.map(list, fn, {concurrency = n, errors = "raise" | "collect"})
--- Calls fn(item, index) for every item, at most `concurrency` at a time
--- (default: --concurrency). results[i] is the first value fn returned for
--- item i. When items fail, every item still runs; then one error listing the
--- failed indices is raised, or with errors = "collect", `results, errors` are
--- returned with errors[i] the error of item i.
function task.map(list, fn, opts)
  if type(list) ~= "table" then
    error(("bad argument #1 to 'map' (table expected, got %s)"):format(type(list)), 2)
  end
  if type(fn) ~= "function" then
    error(("bad argument #2 to 'map' (function expected, got %s)"):format(type(fn)), 2)
  end
  opts = opts or {}
  local concurrency = opts.concurrency or task.concurrency
  if math.type(concurrency) ~= "integer" or concurrency < 1 then
    error("bad argument #3 to 'map' (concurrency must be a positive integer)", 2)
  end
  local mode = opts.errors or "raise"
  if mode ~= "raise" and mode ~= "collect" then
    error("bad argument #3 to 'map' (errors must be \"raise\" or \"collect\")", 2)
  end

  local n = #list
  local results, errors, failed = {}, {}, {}
  local next_index = 0
  local function worker()
    while next_index < n do
      next_index = next_index + 1
      local i = next_index
      local ok, value = pcall(fn, list[i], i)
      if ok then
        results[i] = value
      else
        errors[i] = value
        failed[#failed + 1] = i
      end
    end
  end
  local workers = {}
  for w = 1, math.min(concurrency, n) do
    workers[w] = task.spawn(worker)
  end
  for _, handle in ipairs(workers) do
    handle:await()
  end

  if mode == "collect" then
    return results, errors
  end
  if #failed > 0 then
    table.sort(failed)
    local lines = {}
    for k, i in ipairs(failed) do
      if k > 10 then
        lines[#lines + 1] = ("... and %d more"):format(#failed - 10)
        break
      end
      lines[#lines + 1] = ("#%d: %s"):format(i, tostring(errors[i]))
    end
    error(setmetatable({
      code = "task.map",
      operation = "task.map",
      message = ("%d of %d items failed: %s"):format(#failed, n, table.concat(lines, "; ")),
      failed = failed,
      errors = errors,
      results = results,
    }, error_mt), 2)
  end
  return results
end

return task
