"""`python -m demo_client` against real servers: in process through `main()`, and as a real
command (with a pseudo-terminal for the interactive form)."""

from __future__ import annotations

import importlib.util
import json
import os
import pty
import select
import signal
import subprocess
import sys
import time

import pytest

from demo_client._sdk import sdk
from demo_client.cli import main, parse_arguments, parse_headers
from demo_client.errors import ConfigurationError

pytestmark = pytest.mark.e2e

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def plain_url(spawn_server, test_server_script) -> str:
    return spawn_server(test_server_script("plain_server")).url


@pytest.fixture
def preset_url(spawn_server, test_server_script) -> str:
    return spawn_server(test_server_script("preset_server")).url


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_tools_lists_names_and_schemas(capsys, plain_url):
    code, out, _ = run(capsys, "tools", plain_url)
    assert code == 0
    for name in ("echo", "count_calls", "hold", "steps"):
        assert name in out
    assert '"text"' in out  # echo's input schema


def test_call_prints_the_result(capsys, plain_url):
    code, out, _ = run(capsys, "call", plain_url, "echo", "--args", '{"text": "hello there"}')
    assert code == 0
    assert "hello there" in out


@pytest.mark.toolkit_server  # the toolkit's log-level filter
def test_call_shows_progress_and_logs(capsys, preset_url):
    code, out, _ = run(capsys, "call", preset_url, "log_levels", "--log-level", "warning")
    assert code == 0
    assert "warning warning" in out and "error error" in out
    assert "info info" not in out


@pytest.mark.toolkit_server
def test_a_tool_error_exits_1(capsys, preset_url):
    code, out, _ = run(capsys, "call", preset_url, "echo")  # `text` is required
    assert code == 1
    assert "The tool reported an error" in out


def test_scripted_answers_from_a_file(capsys, plain_url, tmp_path):
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps([{"action": "accept", "content": {"name": "Lin", "age": 41}}]))
    code, out, _ = run(capsys, "call", plain_url, "ask_person", "--answers", str(answers))
    assert code == 0
    assert "accept:Lin:41" in out


def test_without_a_terminal_or_answers_elicitations_are_declined(capsys, plain_url):
    code, out, _ = run(capsys, "call", plain_url, "ask_person")
    assert code == 0
    assert "decline" in out


def test_capability_flags_reach_the_server(capsys, plain_url):
    code, out, _ = run(capsys, "call", plain_url, "declared_capabilities", "--capabilities", "elicitation.form")
    assert code == 0
    assert json.loads(out)["capabilities"] == {"elicitation": {"form": {}}}


def test_sampler_flag(capsys, plain_url):
    code, out, err = run(capsys, "call", plain_url, "summarize", "--args", '{"text": "x"}', "--sampler", "reject")
    # FastMCP (mcp 1.x) makes the refused sampling the tool's error result (exit 1); MCPServer
    # (mcp 2.x) answers the call with the JSON-RPC error itself, which the client reports (exit 2).
    assert code == {1: 1, 2: 2}[sdk.LINE]
    assert "rejected" in (out if code == 1 else err)


def test_exercise_calls_every_tool(capsys, plain_url):
    code, out, _ = run(capsys, "exercise", plain_url)
    assert code == 0
    assert "ask_person({}) -> ok: accept:x:30" in out
    assert 'steps({"count": 1}) -> ok: 1 steps' in out
    assert "visit_url({}) -> ok: accept" in out
    assert '"model": "offline-extractive"' in out
    assert "Called 14 tool(s)" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["call", "URL", "echo", "--args", "{not json"], "--args is not valid JSON"),
        (["call", "URL", "echo", "--args", "[1, 2]"], "--args must be a JSON object"),
        (["call", "URL", "echo", "--answers", "/nonexistent/answers.json"], "Cannot read answers file"),
        (["tools", "URL", "--capabilities", "telepathy"], "Unknown capability 'telepathy'"),
        (["tools", "URL", "--header", "no-colon"], "is not 'Name: value'"),
        (["tools", "arn:aws:bedrock-agentcore:nowhere"], "not an agent runtime ARN"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(capsys, plain_url, argv, message):
    argv = [plain_url if item == "URL" else item for item in argv]
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert message in " ".join(err.split())


def test_nothing_listening_exits_2(capsys):
    code, _, err = run(capsys, "tools", "http://127.0.0.1:9/mcp")
    assert code == 2
    assert "Could not connect to http://127.0.0.1:9/mcp" in " ".join(err.split())


def test_parse_helpers():
    assert parse_arguments('{"a": 1}') == {"a": 1}
    assert parse_headers(["X-Team: blue", "Authorization:Bearer t"]) == {"X-Team": "blue", "Authorization": "Bearer t"}
    with pytest.raises(ConfigurationError):
        parse_headers([": value"])


def test_python_dash_m_entry_point(plain_url):
    done = subprocess.run(
        [sys.executable, "-m", "demo_client", "call", plain_url, "echo", "--args", '{"text": "from -m"}'],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "from -m" in done.stdout


def test_interactive_form_when_a_terminal_is_attached(plain_url):
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "demo_client", "call", plain_url, "ask_person"],
        cwd=ROOT,
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env={**os.environ, "TERM": "dumb", "COLUMNS": "100"},
    )
    os.close(terminal)
    try:
        screen = ""
        for prompt, keys in [("nswer, (d)ecline", "a\n"), ("Name", "Grace\n"), ("Age", "\n"), ("(s)end", "s\n")]:
            screen = read_until(controller, screen, prompt)
            os.write(controller, keys.encode())
        screen = read_until(controller, screen, "accept:Grace:30")
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()
        os.close(controller)
    assert "Who are you?" in screen


def read_until(fd: int, screen: str, text: str, limit: float = 30.0) -> str:
    """Read terminal output until `text` appears (bounded by `limit` seconds)."""
    deadline = time.monotonic() + limit
    while text not in screen[-4000:]:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"{text!r} never appeared; screen so far:\n{screen[-2000:]}")
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            screen += os.read(fd, 4096).decode(errors="replace")
    return screen


needs_strands = pytest.mark.skipif(
    importlib.util.find_spec("strands") is None, reason="strands-agents (the agent extra) is not installed"
)


@needs_strands
def test_agent_command_offline(capsys, plain_url, tmp_path):
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"answers": [{"action": "accept", "content": {"name": "Kay", "age": 7}}]}))
    code, out, _ = run(capsys, "agent", plain_url, "run ask_person", "--offline", "--answers", str(answers))
    assert code == 0
    assert "The tool answered: accept:Kay:7" in out


@needs_strands
def test_agent_without_aws_credentials_exits_2_with_one_line(plain_url, tmp_path):
    env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    env |= {
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
        "AWS_CONFIG_FILE": str(tmp_path / "no-config"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    done = subprocess.run(
        [sys.executable, "-m", "demo_client", "agent", plain_url, "run ask_person"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("error: ")
    assert "no AWS credentials were found" in line
    assert "aws configure" in line and "--offline" in line
    assert "Traceback" not in done.stdout


@pytest.mark.skipif(importlib.util.find_spec("strands") is not None, reason="strands-agents is installed")
def test_agent_without_the_agent_extra_exits_2_naming_it(capsys, plain_url):
    code, _, err = run(capsys, "agent", plain_url, "run echo", "--offline")
    assert code == 2
    assert "agent" in err and "pip install" in err


def test_ctrl_c_cancels_the_call_on_the_server(spawn_server, test_server_script, tmp_path):
    ledger = tmp_path / "ledger.txt"
    server = spawn_server(test_server_script("plain_server"), env={"LEDGER_PATH": str(ledger)})
    process = subprocess.Popen(
        [sys.executable, "-m", "demo_client", "call", server.url, "hold", "--args", '{"tag": "k", "seconds": 30}'],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: ledger.exists() and "started:k" in ledger.read_text())
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 130
    assert "cancelled on the server" in err
    wait_for(lambda: "cancelled:k" in ledger.read_text())
    assert "finished:k" not in ledger.read_text()


def wait_for(check, limit: float = 20.0) -> None:
    deadline = time.monotonic() + limit
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition never held")
        time.sleep(0.05)
