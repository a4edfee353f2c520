-- luagate.account.cli: what `luagate --plan`, `--apply` and `--export` run. Returns the
-- exit status (2 for a misuse of the options; refusals are raised: the runner prints them and
-- exits 1).
local json = require "json"
local account = require "luagate.account"
local render = require "luagate.account.render"
local plan = require "luagate.plan"

local M = {}

local function refuse(message) plan._refuse { code = "argument", operation = "luagate", message = message } end

-- A misuse of the command line: said on stderr, exit status 2 as the option parser's are (1
-- under --detailed-exitcode, where 2 means changes are pending).
local function misuse(args, message)
  io.stderr:write("luagate: ", message, "\nTry 'luagate --help' for more information.\n")
  return args.detailed and 1 or 2
end

-- Writes `text` to `path` whole (through a temporary file renamed into place).
local function write_file(path, text)
  local temporary = ("%s.%d.tmp"):format(path, math.random(1, 1 << 30))
  local f, err = io.open(temporary, "wb")
  if not f then refuse(("cannot write %s"):format(err)) end
  local ok, werr = f:write(text)
  f:close()
  if not ok then
    os.remove(temporary)
    refuse(("cannot write %s: %s"):format(path, werr))
  end
  local renamed, rerr = os.rename(temporary, path)
  if not renamed then refuse(("cannot write %s"):format(rerr)) end
end

-- Whether the argument of --apply is a saved plan (JSON) rather than an account file.
local function is_saved_plan(path)
  if path:find("%.json$") then return true end
  local f = io.open(path, "rb")
  if not f then return false end
  local head = f:read(64) or ""
  f:close()
  return head:find("^%s*{") ~= nil
end

local function show(p, info, format)
  if format == "json" then
    io.stdout:write(json.encode(render.document(p, info)), "\n")
  elseif format == "markdown" then
    render.markdown(p, info, io.stdout)
  else
    p:show()
  end
end

--- status = cli.main{mode = "plan" | "apply" | "export", file =, out =, format =,
--- detailed =, prune =, adopt =, max_deletes =, collections =, stack =}
function M.main(args)
  local opts = { prune = args.prune, adopt = args.adopt, max_deletes = args.max_deletes }
  if args.mode == "export" then
    local text, counts = account.export { collections = args.collections, stack = args.stack }
    if args.file == "-" then
      io.stdout:write(text)
    else
      write_file(args.file, text)
      io.stderr:write(("luagate: wrote %d records of %d collections to %s\n"):format(counts.records,
        counts.collections, args.file))
    end
    return 0
  end
  if args.mode == "plan" then
    if args.out and (args.out == args.file or require("luagate.files").same_file(args.out, args.file)) then
      return misuse(args, "--out would overwrite the account file " .. args.file)
    end
    local p, info = account.plan(args.file, opts)
    show(p, info, args.format)
    if args.out then
      write_file(args.out, json.encode(render.document(p, info), { indent = true }) .. "\n")
      io.stderr:write(("luagate: saved the plan to %s (apply it with luagate --apply %s)\n"):format(args.out, args.out))
    end
    if args.detailed and #p > 0 then return 2 end
    return 0
  end
  -- apply
  local p, info
  if is_saved_plan(args.file) then
    if args.prune or args.adopt or args.max_deletes then
      return misuse(args, "--prune, --adopt and --max-deletes shape a plan: give them to --plan, "
        .. "not to --apply of a saved plan")
    end
    p, info = account.saved(args.file)
  else
    p, info = account.plan(args.file, opts)
  end
  show(p, info, args.format)
  if #p == 0 then return 0 end
  local report = p:apply { quiet = true, concurrency = args.concurrency }
  plan._summarize(report, { out = (args.format or "text") == "text" and io.stdout or io.stderr })
  -- A change that failed makes the run fail (5, as a failed change of a script does), also when
  -- it failed before reaching the API (a secret that could not be read, a token not written).
  if #report.failed > 0 or (report.drifted and #report.drifted > 0) then return 5 end
  return 0
end

return M
