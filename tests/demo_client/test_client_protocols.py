"""Choosing the protocol revision: `connect(protocol=...)` and `--protocol`, on both SDK lines.

mcp 1.x speaks 2025-11-25 only: `auto` is the handshake there, and 2026-07-28 is refused with
what to install. The 2026-07-28 behaviour itself is in `test_client_mrtr.py` (mcp 2.x).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from harness import ROOT

import demo_client
from demo_client import ConfigurationError, ScriptedAnswers
from demo_client.cli import build_parser

pytestmark = pytest.mark.anyio

CONNECTING_COMMANDS = ("tools", "call", "exercise")
MODERN = ("--protocol", "2026-07-28")


@pytest.mark.e2e
@pytest.mark.only_mcp1("auto must fall back to initialize with a server that only speaks 2025-11-25")
async def test_auto_against_plain_fastmcp_falls_back_to_the_handshake(spawn_server, test_server_script):
    server = spawn_server(test_server_script("plain_server"))
    answers = ScriptedAnswers([{"action": "accept", "content": {"name": "Ada", "age": 36}}])
    async with demo_client.connect(server.url, protocol="auto", elicitation=answers) as client:
        assert client.protocol == "auto"
        assert client.protocol_version == "2025-11-25"
        assert client.session_id is not None
        assert (await client.call_tool("ask_person")).text == "accept:Ada:36"


@pytest.mark.only_mcp1("mcp 2.x speaks 2026-07-28")
async def test_2026_on_mcp1_says_what_to_install():
    with pytest.raises(ConfigurationError, match=r"needs mcp 2\.x.*install mcp>=2\.1"):
        async with demo_client.connect("http://127.0.0.1:1/mcp", protocol="2026-07-28"):
            pass


@pytest.mark.parametrize("command", CONNECTING_COMMANDS)
def test_every_connecting_command_takes_protocol_and_max_rounds(command):
    extra = ["some_tool"] if command == "call" else []
    options = build_parser().parse_args([command, "http://x/mcp", *extra, "--protocol", "auto", "--max-rounds", "4"])
    assert options.protocol == "auto"
    assert options.max_rounds == 4
    default = build_parser().parse_args([command, "http://x/mcp", *extra])
    assert default.protocol == "2025-11-25"


def test_an_unknown_protocol_flag_is_refused_with_the_choices(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["tools", "http://x/mcp", "--protocol", "2024-01-01"])
    error = capsys.readouterr().err
    assert "invalid choice: '2024-01-01'" in error
    assert all(choice in error for choice in ("auto", "2026-07-28", "2025-11-25"))


@pytest.mark.e2e
@pytest.mark.requires_revision("2026-07-28")
def test_call_speaks_2026_from_the_command_line(spawn_server, test_server_script, tmp_path):
    server = spawn_server(test_server_script("mrtr_server"), env={"LEDGER_PATH": str(tmp_path / "ledger.txt")})
    answers = tmp_path / "answers.json"
    answers.write_text(
        json.dumps(
            [{"action": "accept", "content": {"name": "Ada"}}, {"action": "accept", "content": {"color": "red"}}]
        )
    )
    done = subprocess.run(
        [sys.executable, "-m", "demo_client", "call", server.url, "favourite", "--answers", str(answers), *MODERN],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Ada likes red" in done.stdout
