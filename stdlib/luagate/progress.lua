-- luagate.progress: a one-line progress bar on stderr, drawn only when stderr is a
-- terminal: done/total, rate, ETA and failures.
local term = require "luagate.term"
local task = require "task"

local M = {}

--- progress.color(stream): whether to colour "stdout" or "stderr": it is a terminal,
--- NO_COLOR is unset or empty (https://no-color.org) and TERM is not "dumb".
function M.color(stream)
  return term.isatty(stream) and (os.getenv("NO_COLOR") or "") == "" and os.getenv("TERM") ~= "dumb"
end

-- Seconds on a monotonic clock when the task library has one.
local function now() return task.now and task.now() or os.time() end

local function duration(seconds)
  seconds = math.ceil(seconds)
  if seconds < 60 then return ("%ds"):format(seconds) end
  if seconds < 3600 then return ("%dm%02ds"):format(seconds // 60, seconds % 60) end
  return ("%dh%02dm"):format(seconds // 3600, seconds % 3600 // 60)
end

--- line = progress.format{done =, total =, failed =, elapsed =, label = ?, width = 24, color = false,
---                        drifted = 0, unchanged = 0, skipped = 0}
--- e.g. `updating [############------------] 20/40  8.0/s  ETA 3s  1 failed  2 unchanged`.
function M.format(s)
  local width = s.width or 24
  local filled = s.total > 0 and width * s.done // s.total or width
  local parts = { ("[%s%s] %d/%d"):format(("#"):rep(filled), ("-"):rep(width - filled), s.done, s.total) }
  local rate = s.elapsed > 0 and s.done / s.elapsed or nil
  if rate then parts[#parts + 1] = ("%.1f/s"):format(rate) end
  if rate and rate > 0 and s.done < s.total then
    parts[#parts + 1] = "ETA " .. duration((s.total - s.done) / rate)
  end
  if s.failed > 0 then
    local failed = ("%d failed"):format(s.failed)
    parts[#parts + 1] = s.color and "\27[31m" .. failed .. "\27[0m" or failed
  end
  for _, what in ipairs { "drifted", "unchanged", "skipped" } do
    local n = s[what] or 0
    if n > 0 then
      local text = ("%d %s"):format(n, what)
      parts[#parts + 1] = s.color and what == "drifted" and "\27[33m" .. text .. "\27[0m" or text
    end
  end
  return (s.label and s.label .. " " or "") .. table.concat(parts, "  ")
end

local Bar = {}
Bar.__index = Bar

--- bar = progress.new{total =, label = ?, enabled = ?, out = io.stderr}: `enabled`
--- defaults to whether stderr is a terminal; a disabled bar writes nothing.
function M.new(opts)
  local enabled = opts.enabled
  if enabled == nil then enabled = term.isatty("stderr") end
  local bar = setmetatable({
    total = opts.total, done = 0, failed = 0, drifted = 0, unchanged = 0, skipped = 0, label = opts.label,
    out = opts.out or io.stderr, enabled = enabled and opts.total > 0,
    color = M.color("stderr"), start = now(), drawn = nil, length = 0,
  }, Bar)
  if bar.enabled then bar:draw() end
  return bar
end

function Bar:draw()
  local t = now()
  self.drawn = t
  local line = M.format {
    done = self.done, total = self.total, failed = self.failed, elapsed = t - self.start,
    label = self.label, color = self.color,
    drifted = self.drifted, unchanged = self.unchanged, skipped = self.skipped,
  }
  if self.out == io.stderr then
    -- The status line on stderr: log lines written while it shows go above it.
    term.status(line)
    return
  end
  local length = utf8.len(line) or #line
  -- Overwrite the previous line, padding over what is left of a longer one.
  self.out:write("\r", line, (" "):rep(math.max(0, self.length - length)))
  self.length = length
  self.out:flush()
end

--- bar:step(outcome): one item done: `true` (done), `false` (failed), or "drifted",
--- "unchanged" or "skipped" (counted as such, so the bar agrees with a plan's report);
--- redraws at most ten times a second.
function Bar:step(outcome)
  self.done = self.done + 1
  if outcome == false or outcome == nil then self.failed = self.failed + 1
  elseif outcome == "drifted" or outcome == "unchanged" or outcome == "skipped" then
    self[outcome] = self[outcome] + 1
  end
  if self.enabled and (self.done == self.total or now() - self.drawn >= 0.1) then self:draw() end
end

--- bar:finish(): the final state, which stays on its line. A bar in a to-be-closed
--- variable (`local bar <close> = progress.new{…}`) finishes even when an error unwinds.
function Bar:finish()
  if not self.enabled then return end
  self:draw()
  if self.out == io.stderr then term.status(nil, true) else self.out:write("\n") end
  self.enabled = false
end
Bar.__close = Bar.finish

return M
