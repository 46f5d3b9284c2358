"""Protocol 2026-07-28 end to end: the reference client against a real MCPServer process whose
tools ask by hand (`tests/servers/mrtr_server.py`), with input requests in every shape.

The same handlers answer whether a question comes as a server request on a 2025-11-25 session
or as an input request of a 2026-07-28 round, so most tests run in both revisions and expect
the same outcome. mcp 2.x only: mcp 1.x does not speak 2026-07-28.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import anyio
import pytest
from rich.console import Console

import demo_client
from demo_client import (
    Capabilities,
    ConfigurationError,
    ConnectionLost,
    InputRoundsExceeded,
    RequestFailed,
    RequestTimeout,
    ScriptedAnswers,
)

pytestmark = [pytest.mark.anyio, pytest.mark.e2e, pytest.mark.requires_revision("2026-07-28")]

MODERN = "2026-07-28"
LEGACY = "2025-11-25"
BOTH = [LEGACY, MODERN]
#: Two keys of 32+ characters; the first seals, both open.
STATE_KEYS = "k" * 40 + "," + "l" * 40


@pytest.fixture
def mrtr(spawn_server, test_server_script, tmp_path):
    """Start the MRTR server: `mrtr(*args, **env)`; its ledger is `tmp_path / "ledger.txt"`."""

    def start(*args: str, **env: str):
        return spawn_server(test_server_script("mrtr_server"), *args, env={"LEDGER_PATH": str(ledger(tmp_path)), **env})

    return start


def ledger(folder: Path) -> Path:
    return folder / "ledger.txt"


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def text(result) -> str:
    assert not result.is_error, result.content
    return result.text


async def eventually(check, polls: int = 300) -> None:
    """Wait until `check()` holds, polling a file another process writes (at most 15 s)."""
    for _ in range(polls):
        if check():
            return
        await anyio.sleep(0.05)
    raise AssertionError("never held")


# -- one set of handlers for both revisions -----------------------------------------------------


@pytest.mark.parametrize("protocol", BOTH)
async def test_scripted_answers_in_either_revision(mrtr, protocol):
    server = mrtr()
    answers = ScriptedAnswers([{"action": "accept", "content": {"name": "Ada", "age": 36}}, {"action": "decline"}])
    async with demo_client.connect(server.url, elicitation=answers, protocol=protocol) as client:
        assert client.protocol_version == protocol
        assert text(await client.call_tool("ask_person")) == "accept:Ada:36"
        assert text(await client.call_tool("ask_person")) == "decline"
    assert answers.asked == ["Who are you?", "Who are you?"]


@pytest.mark.parametrize("protocol", BOTH)
async def test_the_terminal_form_in_either_revision(mrtr, protocol):
    server = mrtr()
    screen = io.StringIO()
    keys = io.StringIO("a\nGrace\n\ns\n")  # answer, the name, the age's default, send
    form = demo_client.TerminalForm(Console(file=screen, width=100, color_system=None), stream=keys)
    async with demo_client.connect(server.url, elicitation=form, protocol=protocol) as client:
        assert text(await client.call_tool("ask_person")) == "accept:Grace:30"
    assert "Who are you?" in screen.getvalue()


@pytest.mark.parametrize("protocol", BOTH)
async def test_the_offline_sampler_in_either_revision(mrtr, protocol):
    server = mrtr()
    async with demo_client.connect(server.url, protocol=protocol) as client:
        answer = json.loads(text(await client.call_tool("summarize", {"text": "Tides follow the moon."})))
    assert answer["model"] == "offline-extractive"
    assert "Tides follow the moon." in answer["text"]


@pytest.mark.parametrize("protocol", BOTH)
async def test_the_rejecting_sampler_in_either_revision(mrtr, protocol, failed_call):
    server = mrtr()
    async with demo_client.connect(server.url, sampling=demo_client.RejectSampling(), protocol=protocol) as client:
        assert "rejected" in await failed_call(client, "summarize", {"text": "anything"})


@pytest.mark.parametrize("protocol", BOTH)
async def test_roots_progress_and_logs_in_either_revision(mrtr, protocol, tmp_path):
    server = mrtr()
    progress: list[tuple[float, float | None, str | None]] = []
    logs: list[str] = []
    async with demo_client.connect(
        server.url,
        roots=[tmp_path],
        on_progress=lambda *args: progress.append(args),
        on_log=lambda level, data: logs.append(f"{level}:{data}"),
        protocol=protocol,
    ) as client:
        assert text(await client.call_tool("client_roots")) == tmp_path.resolve().as_uri()
        await client.set_roots(["file:///srv/data"])
        assert text(await client.call_tool("client_roots")) == "file:///srv/data"
        assert text(await client.call_tool("steps", {"count": 2})) == "2 steps"
    assert progress == [(1, 2, "step 1 of 2"), (2, 2, "step 2 of 2")]
    assert logs == ["info:did step 1", "info:did step 2"]


@pytest.mark.parametrize("protocol", BOTH)
async def test_the_declaration_is_narrowed_the_same_way(mrtr, protocol):
    server = mrtr()
    declared = Capabilities.parse("elicitation.form,roots.static")
    async with demo_client.connect(server.url, capabilities=declared, protocol=protocol) as client:
        report = json.loads(text(await client.call_tool("declared_capabilities")))
    assert report == {"capabilities": {"elicitation": {"form": {}}, "roots": {}}, "protocol": protocol}


@pytest.mark.parametrize("protocol", BOTH)
async def test_an_undeclared_mode_is_refused_before_the_handler(mrtr, protocol, failed_call):
    server = mrtr()
    answers = ScriptedAnswers([{"action": "accept"}])
    async with demo_client.connect(
        server.url, elicitation=answers, capabilities=Capabilities(elicitation_url=False), protocol=protocol
    ) as client:
        assert "did not declare elicitation.url" in await failed_call(client, "visit_url")
    assert answers.asked == []


# -- rounds ------------------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", BOTH)
async def test_several_questions_in_one_round_are_all_answered(mrtr, protocol, tmp_path):
    server = mrtr()
    who = {"action": "accept", "content": {"name": "Ada", "age": 36}}
    answers = ScriptedAnswers([who, {"action": "accept", "content": {"color": "teal"}}])
    seen: list[dict] = []
    async with demo_client.connect(
        server.url, elicitation=answers, roots=[tmp_path], on_server_request=seen.append, protocol=protocol
    ) as client:
        report = json.loads(text(await client.call_tool("everything_at_once")))
    assert report["who"] == "accept:Ada:36"
    assert report["color"] == "teal"
    assert report["model"] == "offline-extractive" and "Tides follow the moon." in report["llm"]
    assert report["roots"] == tmp_path.resolve().as_uri()
    # Asked one at a time, in the server's order, whichever way the questions came.
    assert answers.asked == ["Who are you?", "Favourite colour?"]
    assert [request["method"] for request in seen] == [
        "elicitation/create",
        "elicitation/create",
        "sampling/createMessage",
        "roots/list",
    ]


@pytest.mark.parametrize("protocol", BOTH)
async def test_several_rounds_make_one_call(mrtr, protocol):
    server = mrtr()
    answers = ScriptedAnswers(
        [{"action": "accept", "content": {"name": "Ada"}}, {"action": "accept", "content": {"color": "red"}}]
    )
    async with demo_client.connect(server.url, elicitation=answers, protocol=protocol) as client:
        assert text(await client.call_tool("favourite")) == "Ada likes red"
    assert answers.asked == ["Your name?", "Favourite colour?"]


async def test_the_request_state_comes_back_byte_for_byte(mrtr):
    server = mrtr("--state", "plain")
    answers = ScriptedAnswers([{"action": "accept", "content": {"ok": True}}])
    async with demo_client.connect(server.url, elicitation=answers, protocol=MODERN) as client:
        assert text(await client.call_tool("echo_state")) == "state intact"


async def test_a_round_with_only_a_state_is_retried_without_asking(mrtr):
    server = mrtr()
    answers = ScriptedAnswers([])
    async with demo_client.connect(server.url, elicitation=answers, protocol=MODERN) as client:
        assert text(await client.call_tool("state_only")) == "state waited"
    assert answers.asked == []


async def test_rounds_are_bounded_and_the_error_names_the_bound(mrtr):
    server = mrtr()
    answers = ScriptedAnswers([{"action": "accept", "content": {"ok": True}}] * 5)
    async with demo_client.connect(server.url, elicitation=answers, protocol=MODERN, max_rounds=3) as client:
        with pytest.raises(InputRoundsExceeded, match=r"after 3 rounds of 'tools/call'.*max_rounds=3"):
            await client.call_tool("endless")
    assert answers.asked == ["Round 1: again?", "Round 2: again?", "Round 3: again?"]


async def test_max_rounds_must_be_positive(mrtr):
    with pytest.raises(ConfigurationError, match="max_rounds must be at least 1"):
        async with demo_client.connect("http://127.0.0.1:1/mcp", protocol=MODERN, max_rounds=0):
            pass


async def test_a_server_restart_between_two_rounds_with_a_shared_key(mrtr):
    """The name is sealed in the state by one process and opened by the next."""
    server = mrtr(MCP_REQUEST_STATE_KEYS=STATE_KEYS)

    async def answer(request):
        if request.message == "Your name?":
            await anyio.to_thread.run_sync(server.restart)
            return {"action": "accept", "content": {"name": "Ada"}}
        return {"action": "accept", "content": {"color": "red"}}

    async with demo_client.connect(server.url, elicitation=answer, protocol=MODERN) as client:
        assert text(await client.call_tool("favourite")) == "Ada likes red"


async def test_a_server_restart_between_two_rounds_without_a_shared_key_fails_clearly(mrtr):
    server = mrtr()

    async def answer(request):
        await anyio.to_thread.run_sync(server.restart)
        return {"action": "accept", "content": {"name": "Ada"}}

    async with demo_client.connect(server.url, elicitation=answer, protocol=MODERN) as client:
        with pytest.raises(RequestFailed, match="Invalid or expired requestState"):
            await client.call_tool("favourite")


# -- choosing the revision ---------------------------------------------------------------------


async def test_auto_speaks_2026_with_a_server_that_does(mrtr):
    server = mrtr()
    async with demo_client.connect(server.url, protocol="auto") as client:
        assert client.protocol_version == MODERN
        assert client.session_id is None
        assert client.server_info is not None and client.server_info.name == "mrtr-server"
        assert [tool.name for tool in await client.list_tools()][:2] == ["ask_person", "everything_at_once"]


async def test_auto_falls_back_to_initialize_when_the_server_refuses_discover(
    spawn_server, test_server_script, tmp_path
):
    record = tmp_path / "record.txt"
    server = spawn_server(test_server_script("recording_server"), env={"RECORD_PATH": str(record)})
    async with demo_client.connect(server.url, protocol="auto") as client:
        assert client.protocol_version == LEGACY
        assert client.session_id is not None
        assert text(await client.call_tool("noop")) == "ok"
    posts = [line.split()[1] for line in lines(record) if line.startswith("POST")]
    assert posts[:2] == ["server/discover", "initialize"]


async def test_2026_against_a_server_without_it_says_what_to_do(spawn_server, test_server_script, tmp_path):
    server = spawn_server(test_server_script("recording_server"), env={"RECORD_PATH": str(tmp_path / "r.txt")})
    with pytest.raises(ConfigurationError, match=r"does not speak protocol 2026-07-28.*protocol 'auto'"):
        async with demo_client.connect(server.url, protocol=MODERN):
            pass


async def test_an_unknown_protocol_is_refused():
    with pytest.raises(ConfigurationError, match="Unknown protocol '2024-01-01'; use one of: auto, 2026-07-28"):
        async with demo_client.connect("http://127.0.0.1:1/mcp", protocol="2024-01-01"):
            pass


# -- failures ----------------------------------------------------------------------------------


async def test_a_broken_response_stream_is_reissued_and_the_tool_may_run_twice(mrtr, tmp_path):
    """The revision's rule: the request is lost, so it is sent again under a new id. A tool
    with side effects then runs twice, as the ledger shows."""
    server = mrtr(BREAK_ONCE="record")
    async with demo_client.connect(server.url, protocol=MODERN) as client:
        assert text(await client.call_tool("record", {"tag": "r"})) == "2"
    assert lines(ledger(tmp_path)) == ["r", "r"]


async def test_a_repeated_round_does_not_ask_again(mrtr, tmp_path):
    server = mrtr(BREAK_ONCE="confirm_and_record+answers")
    answers = ScriptedAnswers([{"action": "accept", "content": {"ok": True}}])
    async with demo_client.connect(server.url, elicitation=answers, protocol=MODERN) as client:
        assert text(await client.call_tool("confirm_and_record", {"tag": "c"})) == "recorded 2"
    assert answers.asked == ["Record c?"]


async def test_a_reissue_that_breaks_too_raises_connection_lost(mrtr, tmp_path):
    server = mrtr(BREAK_ONCE="record,record")
    async with demo_client.connect(server.url, protocol=MODERN) as client:
        with pytest.raises(ConnectionLost, match="re-issued once with a new id") as caught:
            await client.call_tool("record", {"tag": "r"})
        assert caught.value.reissued
    assert lines(ledger(tmp_path)) == ["r", "r"]


async def test_an_interrupted_call_is_cancelled_by_closing_its_stream(mrtr, tmp_path):
    server = mrtr()
    async with demo_client.connect(server.url, protocol=MODERN) as client:
        started = anyio.Event()

        async def call() -> None:
            await client.call_tool("hold", {"tag": "i", "seconds": 30}, on_progress=lambda *_: started.set())

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(call)
            with anyio.fail_after(15):
                await started.wait()
            # What Ctrl-C does to a running `anyio.run`.
            tasks.cancel_scope.cancel()
        await eventually(lambda: "cancelled:i" in lines(ledger(tmp_path)))
        assert text(await client.call_tool("record", {"tag": "next"})) == "1"
    assert "finished:i" not in lines(ledger(tmp_path))


async def test_a_timeout_cancels_the_call_on_2026(mrtr, tmp_path):
    server = mrtr()
    async with demo_client.connect(server.url, protocol=MODERN) as client:
        with pytest.raises(RequestTimeout, match="cancelled on the server"):
            await client.call_tool("hold", {"tag": "t", "seconds": 30}, request_timeout=0.5)
        await eventually(lambda: "cancelled:t" in lines(ledger(tmp_path)))
