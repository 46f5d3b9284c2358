"""Interrupting a call: a cancelled scope around `connect()`, and Ctrl-C in `python -m demo_client`
as a person presses it, in a pseudo-terminal that is the command's controlling terminal (so
"\x03" typed there becomes SIGINT). Real servers throughout; the expense server records what
reached it."""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import subprocess
import sys
import time
from contextlib import suppress
from pathlib import Path

import anyio
import pytest
from harness import ServerProcess

import demo_client

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(os.name != "posix", reason="pseudo-terminals and SIGINT are POSIX"),
]

ROOT = Path(__file__).resolve().parent.parent.parent
ALIAS = "ctrl-c"
# The child starts its own session and takes the pseudo-terminal as its controlling terminal,
# which `subprocess` cannot do without a `preexec_fn` (unsafe with threads), then becomes the CLI.
IN_TERMINAL = (
    "import fcntl, os, sys, termios; os.setsid(); fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
    "os.execv(sys.executable, [sys.executable, '-m', 'demo_client', *sys.argv[1:]])"
)
INTERRUPTED = "interrupted; any request in flight was cancelled on the server"


@pytest.fixture
def expenses_server(spawn_server, test_server_script, tmp_path) -> ServerProcess:
    """The expense demo server, recording what reaches it in `record.txt` of the test's folder."""
    store = f"sqlite:///{tmp_path / 'expenses.db'}"
    env = {"RECORD_PATH": str(tmp_path / "record.txt")}
    return spawn_server(test_server_script("recorded_expenses"), "--store", store, env=env)


class Terminal:
    """`python -m demo_client ARGS` in a pseudo-terminal; `screen` is everything it printed."""

    def __init__(self, *args: str) -> None:
        self.controller, attached = pty.openpty()
        self.process = subprocess.Popen(
            [sys.executable, "-c", IN_TERMINAL, *args],
            cwd=ROOT,
            stdin=attached,
            stdout=attached,
            stderr=attached,
            env={**os.environ, "TERM": "dumb", "COLUMNS": "100"},
        )
        os.close(attached)
        self.screen = ""

    def wait_for(self, text: str, limit: float = 30.0) -> None:
        deadline = time.monotonic() + limit
        while text not in self.screen:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._read(remaining):
                raise AssertionError(f"{text!r} never appeared; screen so far:\n{self.screen[-2000:]}")

    def type(self, keys: str) -> None:
        os.write(self.controller, keys.encode())

    def exit_code(self, limit: float = 30.0) -> int:
        """Wait for the command to exit, keeping what it printed on the way out."""
        code = self.process.wait(timeout=limit)
        while self._read(0):
            pass
        return code

    def _read(self, limit: float) -> bool:
        if not select.select([self.controller], [], [], limit)[0]:
            return False
        try:
            chunk = os.read(self.controller, 4096)
        except OSError:  # Linux reports the closed terminal as EIO
            return False
        self.screen += chunk.decode(errors="replace")
        return bool(chunk)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        os.close(self.controller)


def wait_for(check, limit: float = 20.0) -> None:
    deadline = time.monotonic() + limit
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition never held")
        time.sleep(0.05)


def recorded(record: Path, method: str) -> list[dict]:
    """The messages with this method that reached the server."""
    messages = [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]
    return [message for message in messages if message["method"] == method]


async def stored_expenses(url: str) -> int:
    async with demo_client.connect(url) as client:
        result = await client.call_tool("list_expenses", {"user_alias": ALIAS})
    return result.structured_content["count"]


def assert_clean_exit(screen: str) -> None:
    assert INTERRUPTED in screen
    for noise in ("Traceback", "Exception ignored", "KeyboardInterrupt"):
        assert noise not in screen, screen


@pytest.mark.anyio
@pytest.mark.toolkit_server  # the expense server
async def test_cancelling_a_scope_around_connect_cancels_the_call_on_the_server(expenses_server, tmp_path):
    with anyio.CancelScope() as scope:

        async def stop_waiting(request: object) -> None:
            scope.cancel()  # what Ctrl-C does while a form is open
            await anyio.sleep_forever()

        async with demo_client.connect(expenses_server.url, elicitation=stop_waiting) as client:
            await client.call_tool("add_expense_interactive", {"user_alias": ALIAS})
    assert scope.cancelled_caught
    record = tmp_path / "record.txt"
    [call] = recorded(record, "tools/call")
    [cancellation] = recorded(record, "notifications/cancelled")
    assert cancellation["params"]["requestId"] == call["id"]


@pytest.mark.toolkit_server
@pytest.mark.parametrize(
    ("keys", "prompt"), [("", "(a)nswer, (d)ecline, (c)ancel? "), ("a\n", "Amount: ")], ids=["question", "field"]
)
def test_one_ctrl_c_at_a_form_prompt_cancels_the_call_and_exits_130(expenses_server, tmp_path, keys, prompt):
    arguments = json.dumps({"user_alias": ALIAS})
    terminal = Terminal("call", expenses_server.url, "add_expense_interactive", "--args", arguments)
    try:
        terminal.wait_for("(a)nswer, (d)ecline, (c)ancel? ")
        terminal.type(keys)
        terminal.wait_for(prompt)
        terminal.type("\x03")
        assert terminal.exit_code() == 130
    finally:
        terminal.close()
    assert_clean_exit(terminal.screen)
    record = tmp_path / "record.txt"
    # The client sends the cancellation before it exits, so it is recorded by now.
    [call] = recorded(record, "tools/call")
    [cancellation] = recorded(record, "notifications/cancelled")
    assert cancellation["params"]["requestId"] == call["id"]
    assert anyio.run(stored_expenses, expenses_server.url) == 0


@pytest.mark.toolkit_server
def test_ctrl_c_pressed_again_after_the_first_still_exits_cleanly(expenses_server):
    arguments = json.dumps({"user_alias": ALIAS})
    terminal = Terminal("call", expenses_server.url, "add_expense_interactive", "--args", arguments)
    try:
        terminal.wait_for("(a)nswer, (d)ecline, (c)ancel? ")
        terminal.type("\x03")
        terminal.wait_for(INTERRUPTED)
        with suppress(OSError):  # the command may be gone already
            terminal.type("\x03")
        # In the interpreter's last moments SIGINT has its default action again and ends the
        # process at once; a shell reports that as 130 too.
        assert terminal.exit_code() in (130, -signal.SIGINT)
    finally:
        terminal.close()
    assert_clean_exit(terminal.screen)


@pytest.mark.toolkit_server
def test_a_second_ctrl_c_while_the_session_closes_exits_at_once(spawn_server, test_server_script, tmp_path):
    ledger = tmp_path / "ledger.txt"
    server = spawn_server(test_server_script("stalling_server"), env={"LEDGER_PATH": str(ledger)})
    arguments = json.dumps({"tag": "k", "seconds": 30})
    process = subprocess.Popen(
        [sys.executable, "-m", "demo_client", "call", server.url, "hold", "--args", arguments],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: ledger.exists() and "started:k" in ledger.read_text())
        process.send_signal(signal.SIGINT)
        # The call is cancelled and the client now waits for the server to end the session.
        wait_for(lambda: "delete" in ledger.read_text().split())
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 130
    assert "exiting without waiting for the session to close" in err
    assert "Traceback" not in out + err
    wait_for(lambda: "cancelled:k" in ledger.read_text())
    assert "finished:k" not in ledger.read_text()


@pytest.mark.requires_revision("2026-07-28")
def test_ctrl_c_on_2026_closes_the_calls_stream_and_the_server_stops_it(spawn_server, test_server_script, tmp_path):
    """2026-07-28 has no `notifications/cancelled` over HTTP: the client closes the call's stream."""
    ledger = tmp_path / "ledger.txt"
    server = spawn_server(test_server_script("mrtr_server"), env={"LEDGER_PATH": str(ledger)})
    arguments = json.dumps({"tag": "m", "seconds": 30})
    terminal = Terminal("call", server.url, "hold", "--args", arguments, "--protocol", "2026-07-28")
    try:
        wait_for(lambda: ledger.exists() and "started:m" in ledger.read_text())
        terminal.type("\x03")
        assert terminal.exit_code() == 130
    finally:
        terminal.close()
    assert_clean_exit(terminal.screen)
    wait_for(lambda: "cancelled:m" in ledger.read_text())
    assert "finished:m" not in ledger.read_text()


@pytest.mark.requires_revision("2026-07-28")
def test_ctrl_c_at_a_2026_form_prompt_exits_130_and_nothing_is_recorded(spawn_server, test_server_script, tmp_path):
    ledger = tmp_path / "ledger.txt"
    server = spawn_server(test_server_script("mrtr_server"), env={"LEDGER_PATH": str(ledger)})
    arguments = json.dumps({"tag": "f"})
    terminal = Terminal("call", server.url, "confirm_and_record", "--args", arguments, "--protocol", "2026-07-28")
    try:
        terminal.wait_for("(a)nswer, (d)ecline, (c)ancel? ")
        terminal.type("\x03")
        assert terminal.exit_code() == 130
    finally:
        terminal.close()
    assert_clean_exit(terminal.screen)
    # The question came in an input round; the call it belonged to never came back, so the
    # server never reached the step that records.
    assert not ledger.exists() or "f" not in ledger.read_text().split()
