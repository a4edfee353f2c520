-- Finishes a man page written by swift-argument-parser's generate-manual (mdoc), whose page is
-- made for a command with subcommands and a generic exit status:
--   * the synopsis loses `subcommand`, and the options list its `help` subcommand;
--   * the description keeps its paragraphs (`.Pp`) and shows indented lines as a literal display;
--   * ENVIRONMENT and FILES come before EXIT STATUS, which lists every status the tool returns;
--     SEE ALSO comes before AUTHORS.
-- Runs under lua5.4 or luagate; fails (status 1) when the page is not shaped as expected, so a
-- new generate-manual cannot silently ship a wrong page.
--   luagate scripts/package/manpage.lua luagate generated.1 > luagate.1

local tool, input = arg[1], arg[2]
if not (tool and input) then
  io.stderr:write("usage: manpage.lua TOOL GENERATED.1 > PAGE.1\n")
  os.exit(2)
end

-- The sections each tool's page gets, in mdoc.
local sections = {}

sections.luagate = {
  ENVIRONMENT = [[
.Bl -tag -width 6n
.It Ev AI_GATEWAY_API_KEY
The ngrok.ai API key the requests carry as a bearer token (made in the ngrok.ai dashboard, on its settings page).
.Fl -api-key-file
wins over it. Read at the first API call; never printed. A refused key (401) says which of the two it came from.
.It Ev AI_GATEWAY_API_URL
The API's base URL (default https://api.ngrok.ai);
.Fl -base-url
wins.
.It Ev https_proxy , Ev HTTPS_PROXY , Ev ALL_PROXY , Ev http_proxy
The HTTP proxy, read as curl reads them
.Ns ( Ev http_proxy
for a plain-http loopback URL);
.Fl -proxy
wins.
.It Ev no_proxy , Ev NO_PROXY
Hosts reached without the proxy;
.Fl -no-proxy
wins.
.It Ev SSL_CERT_FILE
A PEM file of CA certificates trusted beside the system's;
.Fl -ca-file
wins.
.It Ev LUAGATE_ Ns Ar OPTION
Any long option, named upper-case with
.Ql -
as
.Ql _ :
.Ev LUAGATE_DRY_RUN=1 ,
.Ev LUAGATE_MAX_CHANGES=10 ,
.Ev LUAGATE_SANDBOX=1 .
The command line wins.
.It Ev LUA_INIT_5_4 , Ev LUA_INIT
Lua code (or
.Ar @file )
run before anything else, as by
.Xr lua5.4 1 ;
ignored with
.Fl E .
.It Ev LUA_PATH_5_4 , Ev LUA_PATH , Ev LUA_CPATH_5_4 , Ev LUA_CPATH
Where
.Fn require
looks for modules, as in
.Xr lua5.4 1 .
.It Ev NO_COLOR
Turns colours off.
.It Ev XDG_STATE_HOME , Ev HOME
Where the REPL keeps its history (see
.Sx FILES ) .
.El
]],
  FILES = [[
.Bl -tag -width 6n
.It Pa $XDG_STATE_HOME/luagate/history , Pa ~/.luagate_history
The REPL's history (the second when
.Ev XDG_STATE_HOME
is not set), mode 0600; lines holding the API key or a key's value are never written to it.
.It Pa ~/.editrc
Line editing settings of the REPL (libedit).
.It Pa /usr/share/doc/luagate/examples/
Example scripts; each runs as
.Ic luagate --sandbox /usr/share/doc/luagate/examples/NAME.lua .
.It Pa /usr/share/doc/luagate/examples/account/
An account file for the sandbox's sample account; try
.Ic luagate --sandbox --plan /usr/share/doc/luagate/examples/account/platform.lua .
.It Pa /usr/share/doc/luagate/deploy/ci/
GitHub Actions and GitLab CI jobs for an account file: the plan on a pull request, apply on
the main branch, a nightly drift check.
.It Pa /usr/share/doc/luagate/jobs/
Nightly jobs to schedule; rehearse one with
.Fl -sandbox Fl -dry-run .
.It Pa /usr/share/luagate/
Definitions of luagate's globals for lua-language-server, and a luacheck std
.Pq Pa luacheckrc .
.It Pa /usr/share/doc/luagate/README.md.gz
The guide: every function of the Lua API, the sandbox, batch jobs.
.El
]],
  ["EXIT STATUS"] = [[
.Bl -tag -width 6n
.It 0
Everything succeeded.
.It 1
An uncaught Lua error (reported as
.Ql luagate: message
with a traceback), a task that failed and was never awaited,
a command line that lua5.4 refuses (its message and usage), or a failed
.Fl -types
or
.Fl -snapshot .
.It 2
With
.Fl -plan Fl -detailed-exitcode :
changes are pending (1 is then any error, 0 nothing to change).
Otherwise bad usage: an unknown or mistyped option, a bad option value, an unreadable key or data file,
a refused base URL, proxy or CA file, an output file that cannot be written, a journal that
.Fl -resume
cannot read.
.It 3
.Fl -max-changes
refused a change.
.It 4
.Fl -lock
is held by another run.
.It 5
The script finished, but at least one change failed, even if the script caught the error (0 with
.Fl -caught-failures-ok ) .
.It 124
.Fl -timeout
expired.
.It 130
Interrupted (SIGINT): requests in flight finished, the journal and report written.
.It 143
Terminated (SIGTERM), likewise.
.El
]],
  ["SEE ALSO"] = [[
.Xr lua5.4 1 ,
.Xr fake-ngrok-ai 1 ,
.Xr luacheck 1 ,
.Xr busted 1
.Pp
The ngrok AI Gateway: https://ngrok.com/docs/ai-gateway/
]],
}

sections["fake-ngrok-ai"] = {
  ["EXIT STATUS"] = [[
.Bl -tag -width 6n
.It 0
Stopped by SIGINT or SIGTERM, or
.Fl -print-catalogue
printed the catalogue.
.It 1
The server could not start: an unusable
.Fl -data ,
.Fl -tls-cert
or
.Fl -tls-key
file, or the port is taken.
.It 2
Bad usage, or a host that is not loopback.
.El
]],
  ["SEE ALSO"] = [[
.Xr luagate 1
]],
}

local extra = sections[tool]
if not extra then
  io.stderr:write("manpage.lua: no sections for ", tool, "\n")
  os.exit(1)
end

local lines = {}
for line in io.lines(input) do lines[#lines + 1] = line end

local out = {}
local function emit(text) out[#out + 1] = text end
local function emitSection(name)
  if not extra[name] then return end
  emit(name:find(" ") and ('.Sh "' .. name .. '"') or (".Sh " .. name))
  emit((extra[name]:gsub("\n$", "")))
end
local seen = {}
local section
local i = 1
while i <= #lines do
  local line = lines[i]
  local heading = line:match('^%.Sh "(.*)"$') or line:match("^%.Sh (.*)$")
  if heading then section = heading end
  if section == "SYNOPSIS" and line == ".Ar subcommand" then
    seen.subcommand = true
    i = i + 1
  elseif line == ".It Em help" then
    -- The help subcommand's item and the list of subcommands nested in it.
    local j = i
    while lines[j] ~= ".El" do
      j = j + 1
      if j > #lines then break end
    end
    seen.help = true
    i = j + 1
  elseif heading == "EXIT STATUS" then
    local j = i + 1
    while lines[j] == "" do j = j + 1 end
    if lines[j] ~= ".Ex -std" then break end
    emitSection("ENVIRONMENT")
    emitSection("FILES")
    emitSection("EXIT STATUS")
    seen.exit = true
    i = j + 1
  elseif heading == "AUTHORS" then
    emitSection("SEE ALSO")
    seen.authors = true
    emit(line)
    i = i + 1
  elseif line == "" then
    -- Blank lines mean nothing in mdoc (groff warns about each); in the description they
    -- separated paragraphs.
    local following = lines[i + 1] or ""
    if section == "DESCRIPTION" and out[#out] and not out[#out]:match("^%.") and following ~= ""
        and not following:match("^%.") then
      emit(".Pp")
    end
    i = i + 1
  elseif section == "DESCRIPTION" and line:match("^  %S") then
    -- Indented lines (the examples): a literal display.
    emit(".Bd -literal -offset indent")
    while lines[i] and lines[i]:match("^  %S") do
      emit((lines[i]:sub(3):gsub("\\", "\\e")))
      i = i + 1
    end
    emit(".Ed")
  else
    emit(line)
    i = i + 1
  end
end

for _, what in ipairs { "subcommand", "help", "exit", "authors" } do
  if not seen[what] then
    io.stderr:write("manpage.lua: ", input, ": not the page expected (no ", what, " found)\n")
    os.exit(1)
  end
end
io.write(table.concat(out, "\n"), "\n")
