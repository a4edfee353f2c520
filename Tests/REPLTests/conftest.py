"""Drives the real luagate binary through a pseudo-terminal (pexpect).

The binary is .build/debug/luagate (or $LUAGATE_BIN); the standalone fake API
is fake-ngrok-ai beside it (or $FAKE_NGROK_AI_BIN). Every test gets its own
HOME and XDG_STATE_HOME, so history never leaks between tests.
"""
import os
import re
import subprocess
from pathlib import Path

import pexpect
import pytest

ROOT = Path(__file__).resolve().parents[2]
LUAGATE = Path(os.environ.get("LUAGATE_BIN", ROOT / ".build" / "debug" / "luagate"))
FAKE = Path(os.environ.get("FAKE_NGROK_AI_BIN", LUAGATE.parent / "fake-ngrok-ai"))

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x07")
PROMPT = "\r\n> "


def plain(text):
    """Text without ANSI escapes and bells, with \\n line ends."""
    return ANSI.sub("", text).replace("\r\n", "\n")


class Repl:
    """One luagate process on a terminal."""

    def __init__(self, args, env, timeout=10):
        self.child = pexpect.spawn(
            str(LUAGATE), list(args), env=env, encoding="utf-8", timeout=timeout, dimensions=(40, 160)
        )
        self.expect_prompt("> ")

    def expect_prompt(self, prompt=PROMPT):
        """Waits for the prompt, then for libedit to take the terminal: it draws
        the prompt before it turns echo and canonical mode off, and keys typed
        in between would reach the terminal's line discipline instead (Ctrl-D,
        Ctrl-R)."""
        self.child.expect_exact(prompt)
        self.child.waitnoecho()

    def send(self, text):
        self.child.send(text)

    def eval(self, line):
        """Types `line` and Enter; returns what was printed before the next prompt."""
        self.child.send(line + "\r")
        self.expect_prompt()
        lines = plain(self.child.before).split("\n")
        return "\n".join(lines[1:])  # lines[0] is the echo of the input

    def continue_with(self, line):
        """Types a line of an incomplete chunk; the `>>` prompt follows."""
        self.child.send(line + "\r")
        self.expect_prompt("\r\n>> ")

    def exit(self):
        self.child.sendcontrol("d")
        self.child.expect(pexpect.EOF)
        self.child.close()
        return self.child.exitstatus


@pytest.fixture
def env(tmp_path):
    """An environment with a fresh HOME and XDG_STATE_HOME, and no colours."""
    home = tmp_path / "home"
    home.mkdir()
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "TERM": "xterm",
        "LANG": "C.UTF-8",
        "NO_COLOR": "1",
    }


@pytest.fixture
def repl(env):
    """repl(*args, **extra_env) starts luagate on a terminal; all are closed after the test."""
    started = []

    def start(*args, **extra):
        r = Repl(args, {**env, **extra})
        started.append(r)
        return r

    yield start
    for r in started:
        if r.child.isalive():
            r.child.terminate(force=True)


@pytest.fixture
def fake_api():
    """fake_api(*options) starts the standalone fake API; returns its base URL."""
    servers = []

    def start(*options):
        server = subprocess.Popen(
            [str(FAKE), "--port", "0", *options], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        servers.append(server)
        line = server.stdout.readline()
        match = re.match(r"listening on (http://\S+)", line)
        assert match, f"fake-ngrok-ai said: {line!r}"
        return match.group(1)

    yield start
    for server in servers:
        server.terminate()
        server.wait(timeout=10)
