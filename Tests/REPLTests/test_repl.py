"""The interactive REPL, driven through a pseudo-terminal (see conftest.py)."""
import os
import signal
import stat
import subprocess
import time

import pexpect

from conftest import LUAGATE, PROMPT, plain

TOKEN = "tok_REPL_SECRET_7f3a9c"


# --- Evaluating --------------------------------------------------------------

def test_expression_shows_its_value(repl):
    r = repl()
    assert r.eval("6 * 7") == "42"
    assert r.eval("'a' .. 'b'") == '"ab"'
    assert r.eval("x = 5") == ""
    assert r.eval("x") == "5"
    assert r.eval("_ + 1") == "6"  # _ holds the last result
    assert r.exit() == 0


def test_multiline_function_definition(repl):
    r = repl()
    r.continue_with("function twice(n)")
    r.continue_with("  local doubled = n * 2")
    r.continue_with("  return doubled")
    assert r.eval("end") == ""
    assert r.eval("twice(21)") == "42"


def test_multiple_results_are_separated(repl):
    r = repl()
    assert r.eval("1, 'two', nil, true") == '1, "two", nil, true'
    assert r.eval("string.find('hello', 'l')") == "3, 3"


def test_errors_show_the_message_and_the_repl_goes_on(repl):
    r = repl()
    out = r.eval("error('boom')")
    assert "stdin:1: boom" in out
    assert "syntax error near" in r.eval("x = = 1") or "unexpected symbol" in r.eval("x = = 1")
    assert r.eval("1 + 1") == "2"


# --- Pretty printing ----------------------------------------------------------

def test_nested_tables_print_as_sorted_lua_literals(repl):
    r = repl()
    assert r.eval("{3, 2, 1, zeta = 'z', alpha = {b = true, a = 1}, [10] = 'ten', ['two words'] = 2}") == (
        '{ 3, 2, 1, [10] = "ten", alpha = { a = 1, b = true }, ["two words"] = 2, zeta = "z" }'
    )
    assert r.eval("{}") == "{}"
    assert r.eval("{a = {b = {c = {d = {e = {}}}}}}") == "{ a = { b = { c = { d = {...} } } } }"
    assert r.eval('"line\\nbreak \\"quoted\\""') == '"line\\nbreak \\"quoted\\""'
    assert r.eval("0.5, 1/0, json.null") == "0.5, math.huge, json.null"


def test_long_tables_are_indented(repl):
    r = repl()
    out = r.eval("{name = string.rep('n', 90), inner = {list = {1, 2, 3}, flag = false}}")
    assert out == "\n".join([
        "{",
        "  inner = { flag = false, list = { 1, 2, 3 } },",
        '  name = "' + "n" * 90 + '",',
        "}",
    ])


def test_cyclic_tables_are_marked(repl):
    r = repl()
    assert r.eval("loop = {name = 'loop'}; loop.self = loop") == ""
    assert r.eval("loop") == '<1>{ name = "loop", self = <cycle 1> }'
    assert r.eval("a, b = {}, {}; a.b = b; b.a = a") == ""
    assert r.eval("a") == "<1>{ b = { a = <cycle 1> } }"


def test_records_show_summary_and_fields(repl):
    r = repl("--sandbox")
    assert r.eval("#providerKeys.list()") == "40"
    out = r.eval("providerKeys.list{provider = 'openai'}[1]")
    lines = out.split("\n")
    assert lines[0].startswith("{ -- providerKey aigpk_") and " openai " in lines[0]
    assert any(line.startswith('  id = "aigpk_') for line in lines)
    assert any(line.startswith('  providerId = "openai",') for line in lines)
    assert lines[-1] == "}"
    listed = r.eval("providerKeys.list{provider = 'openai', limit = 2}")
    assert listed.split("\n")[1].startswith("  <providerKey aigpk_")


def test_plans_show_themselves(repl):
    r = repl("--sandbox")
    assert r.eval('p = rename.plan(providerKeys.list{provider = "groq"}, {pattern = "groq", replace = "GROQ"})') == ""
    out = r.eval("p")
    assert out.split("\n")[0].split() == ["ID", "FIELD", "OLD", "→", "NEW"]
    assert '"groq-staging" → "GROQ-staging"' in out
    assert out.endswith("1 change: 1 to apply, 0 no-op, 0 refused")
    shown = r.eval("p:show()")
    assert shown.count("1 change: 1 to apply") == 1, shown
    r.eval("p:show(); x = 1")
    assert r.eval("p").count("1 change: 1 to apply") == 1


# --- Completion ----------------------------------------------------------------

def test_tab_completes_globals_fields_and_record_keys(repl):
    r = repl("--sandbox")
    r.send("providerKeys.up\t")
    assert r.eval(" == providerKeys.update") == "true"
    r.send("string.forma\t")
    assert r.eval("('%d', 7)") == '"7"'
    assert r.eval("key = providerKeys.list()[1]") == ""
    r.send("key.provid\t")
    assert r.eval(" == key.providerId") == "true"
    r.send('key["keyRed\t')
    assert r.eval(" == key.keyRedacted") == "true"
    assert r.eval("s = 'abc'") == ""
    r.send("s:up\t")
    assert r.eval("()") == '"ABC"'


def test_tab_completes_every_resource_of_the_catalogue(repl):
    r = repl("--sandbox")
    r.send("accessKeyConfigurations.cre\t")
    assert r.eval(" == accessKeyConfigurations.create") == "true"
    r.send("usage.overv\t")
    assert r.eval(" == usage.overview") == "true"
    r.send("gatewayConf\t")
    assert r.eval(".get().totalTimeout") == '"2m"'


def test_help_lists_every_resource(repl):
    help_text = repl("--sandbox").eval(".help")
    for line in ("accessKeys.create{name = ?", "accessKeyConfigurations.update(id, {", "apiKeys.delete(id)",
                 "providers.create{providerId =, name =, baseUrl =", "gatewayConfig.update{", "usage.overview{startTime =",
                 "credits.balance()", "providerKeys.rotate(id, {value =, name =})"):
        assert line in help_text, line


def test_a_token_received_never_reaches_the_history(repl, tmp_path):
    r = repl("--sandbox")
    assert r.eval("k = accessKeys.create{name = 'mine'}") == ""
    token = r.eval("k.token").strip('"')
    assert len(token) > 20
    r.eval(f"t = '{token}'")
    assert r.eval("t == k.token") == "true"
    r.exit()
    history = (tmp_path / "state" / "luagate" / "history").read_text()
    assert "accessKeys.create" in history
    assert token not in history


def test_a_secret_sent_later_is_removed_from_the_history(repl, tmp_path):
    r = repl("--sandbox")
    assert r.eval('v = "sk-live-secret-0123456789"') == ""
    assert r.eval("marker = 1") == ""
    path = tmp_path / "state" / "luagate" / "history"
    r.eval('k = providerKeys.create{providerId = "openai", name = "from-v", value = v}')
    assert r.eval("k.name") == '"from-v"'
    r.exit()
    history = path.read_text()
    assert "marker = 1" in history
    assert "sk-live-secret-0123456789" not in history


# --- Interrupting ----------------------------------------------------------------

def test_ctrl_c_interrupts_a_loop_and_the_repl_goes_on(repl):
    r = repl()
    # (the output is awaited, not the echo: the loop runs once "spinning" shows)
    r.send("print('spin' .. 'ning') while true do end\r")
    r.child.expect_exact("spinning")
    r.child.sendintr()
    r.child.expect_exact("interrupted!")
    r.expect_prompt()
    assert r.eval("1 + 1") == "2"
    # a second time works too (the handler is installed for each evaluation)
    r.send("print('aga' .. 'in') while true do end\r")
    r.child.expect_exact("again")
    r.child.sendintr()
    r.child.expect_exact("interrupted!")
    r.expect_prompt()
    assert r.eval("2 + 2") == "4"


def test_ctrl_c_cancels_a_slow_api_call_within_a_second(repl, fake_api):
    url = fake_api("--latency-ms", "5000", "--token", TOKEN)
    r = repl("--base-url", url, AI_GATEWAY_API_KEY=TOKEN)
    r.send("print('call' .. 'ing') keys = providerKeys.list()\r")
    r.child.expect_exact("calling")
    start = time.monotonic()
    r.child.sendintr()
    r.child.expect_exact("interrupted!", timeout=2)
    r.child.expect_exact(PROMPT, timeout=2)
    assert time.monotonic() - start < 1.0
    r.child.waitnoecho()
    assert r.eval("keys") == "nil"
    assert r.eval("1 + 1") == "2"


def test_ctrl_c_at_the_prompt_clears_the_line(repl):
    r = repl()
    r.send("this is not lua")
    r.child.sendintr()
    r.expect_prompt("^C" + PROMPT)
    r.continue_with("function f()")
    r.child.sendintr()  # drops the incomplete chunk too
    r.expect_prompt("^C" + PROMPT)
    assert r.eval("f") == "nil"
    assert r.eval("3 * 3") == "9"


def test_ctrl_d_exits(repl):
    r = repl()
    assert r.exit() == 0


def test_sigterm_at_the_prompt_ends_the_run(repl):
    r = repl()
    r.child.kill(signal.SIGTERM)
    r.child.expect(pexpect.EOF, timeout=5)
    r.child.close()
    assert r.child.exitstatus == 143


def test_utf8_input(repl):
    r = repl()
    assert r.eval('"Équipe café"') == '"Équipe café"'
    assert r.eval('#"é"') == "2"


# --- History ---------------------------------------------------------------------

def test_history_is_recalled_after_a_restart(repl, env, tmp_path):
    first = repl()
    first.eval("history_probe = 1234")
    first.eval("other = 1")
    assert first.exit() == 0

    path = tmp_path / "state" / "luagate" / "history"
    assert path.read_text() == "history_probe = 1234\nother = 1\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700

    second = repl()
    second.send("\x1b[A\x1b[A")  # Up, Up: history_probe = 1234
    assert second.eval("") == ""
    assert second.eval("history_probe") == "1234"
    second.send("\x12probe")  # Ctrl-R search
    assert second.eval("").endswith("\n1234")


def test_history_is_deduplicated_and_falls_back_to_the_home_directory(repl, env):
    r = repl(XDG_STATE_HOME="")
    for line in ["a = 1", "b = 2", "a = 1", "a = 1", ".time off"]:
        r.eval(line)
    r.continue_with("function g()")
    r.eval("end")
    assert r.exit() == 0
    path = os.path.join(env["HOME"], ".luagate_history")
    with open(path) as f:
        assert f.read() == "b = 2\na = 1\n.time off\nfunction g() end\n"


def test_the_token_and_key_values_never_reach_the_history_file(repl, tmp_path):
    r = repl("--sandbox", AI_GATEWAY_API_KEY=TOKEN)
    r.eval(f't = "{TOKEN}"')
    r.eval('fields = {providerId = "openai", name = "n", value = "sk-live-do-not-keep"}')
    r.eval("fields.value='sk-live-again'")
    r.eval("kept = 1")
    assert r.exit() == 0
    text = (tmp_path / "state" / "luagate" / "history").read_text()
    assert TOKEN not in text
    assert "sk-live" not in text
    assert text == "kept = 1\n"


# --- Commands and globals ------------------------------------------------------------

def test_dot_commands(repl, tmp_path):
    script = tmp_path / "answer.lua"
    script.write_text("loaded = true\nreturn 40 + 2, 'from file'\n")
    r = repl("--sandbox")
    help_text = r.eval(".help")
    assert "providerKeys.update(id" in help_text and ".load FILE" in help_text and "Ctrl-R" in help_text
    assert r.eval(f".load {script}") == '42, "from file"'
    assert r.eval("loaded") == "true"
    assert r.eval(".sandbox").startswith("sandbox: on: a fake AI Gateway API on http://127.0.0.1:")
    assert r.eval(".time on") == "timing is on"
    out = r.eval("1")
    assert out.startswith("1\n-- ") and out.endswith(" ms")
    assert r.eval(".time off") == "timing is off"
    assert "unknown command '.nope'" in r.eval(".nope")
    assert r.eval(".5 + 1") == "1.5"  # a number, not a command
    r.child.send(".exit\r")
    r.child.expect(pexpect.EOF)


def test_sandbox_globals_are_ready(repl):
    r = repl("--sandbox")
    assert r.eval("type(providerKeys), type(json), type(task)") == '"table", "table", "table"'
    assert r.eval("type(rename), type(metadata), type(template)") == '"table", "table", "table"'


def test_colours_on_a_terminal_unless_no_color(repl):
    r = repl(NO_COLOR="")
    r.child.send("'green'\r")
    r.expect_prompt()
    assert "\x1b[32m\"green\"\x1b[0m" in r.child.before


def test_a_plain_transcript_when_stdin_is_not_a_terminal(env):
    result = subprocess.run(
        [str(LUAGATE), "-i"], input="print(1)\n1 + 1\n{1}\n.time on\n", env={**env, "NO_COLOR": ""},
        capture_output=True, text=True, timeout=10,
    )
    assert result.returncode == 0
    # As Debian's lua5.4: the version first (-i), then each prompt with the line read after it;
    # results print as print() would, with no colours, and nothing goes to the history file.
    assert result.stdout.startswith(
        "Lua 5.4.4  Copyright (C) 1994-2022 Lua.org, PUC-Rio\n> print(1)\n1\n> 1 + 1\n2\n> {1}\ntable: 0x")
    assert result.stdout.endswith("> .time on\ntiming is on\n> \n")
    assert "\x1b[" not in result.stdout + result.stderr
    assert not os.path.exists(os.path.join(env["XDG_STATE_HOME"], "luagate", "history"))
