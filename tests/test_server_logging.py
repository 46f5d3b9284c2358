"""The server's own log: cut short, written off the event loop, quiet on a clean close, levelled.

The end-to-end tests run real server processes whose log is a file: a hostile client sends a
multi-megabyte value that the SDK logs, while another session pings. The issue this guards
against asked for a latency bound, so `PING_BOUND` is the one wall-clock assert here, and a
generous one.
"""

from __future__ import annotations

import logging
import logging.handlers
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import anyio
import httpx
import pytest
from rich.logging import RichHandler
from sdk_compat import open_http_session
from wire import headers, initialize, messages, request

from toolkit._sdk import sdk
from toolkit.server.logs import MAX_MESSAGE_CHARS, TruncateLongMessages, configure_server_logging

HOSTILE_CHARS = 3_900_000
PING_BOUND = 1.0
LOG_GROWTH_BOUND = 100_000
DEADLINE = 30.0
CUT_NOTE = "more characters]"


def record(msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("mcp.server.streamable_http", logging.WARNING, __file__, 1, msg, args, None)


def test_a_long_argument_is_cut_before_it_reaches_the_message():
    cut = record("Tool '%s' not listed, no validation will be performed", "x" * HOSTILE_CHARS)
    assert TruncateLongMessages().filter(cut)
    assert cut.args is None
    assert len(cut.msg) <= MAX_MESSAGE_CHARS + 100
    assert cut.msg.startswith("Tool 'xxx")
    assert f"[{HOSTILE_CHARS - MAX_MESSAGE_CHARS // 2:,} more characters]" in cut.msg


def test_a_long_message_is_cut_and_a_short_one_is_only_rendered():
    long = record("Received exception from stream: " + "y" * HOSTILE_CHARS)
    TruncateLongMessages(max_chars=50).filter(long)
    assert long.msg == "Received exception from stream: " + "y" * 18 + f"... [{HOSTILE_CHARS - 18:,} more characters]"
    short = record("session %s ended after %d calls", "abc", 3)
    TruncateLongMessages().filter(short)
    assert (short.msg, short.args) == ("session abc ended after 3 calls", None)


@pytest.fixture
def bare_root_logger(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], logging.Logger]]:
    """Empties the root logger when called; its handlers (pytest's own) and level come back afterwards.

    Called from the test itself: pytest adds its capture handlers after fixtures are set up.
    """
    root = logging.getLogger()
    level = root.level

    def bare() -> logging.Logger:
        monkeypatch.setattr(root, "handlers", [])
        return root

    yield bare
    root.setLevel(level)


def test_the_rich_handler_is_replaced_by_one_queue_handler(bare_root_logger):
    root = bare_root_logger()
    root.addHandler(RichHandler())
    assert configure_server_logging("warning")
    assert configure_server_logging("WARNING")
    [handler] = root.handlers
    assert isinstance(handler, logging.handlers.QueueHandler)
    assert root.level == logging.WARNING


def test_handlers_of_the_application_are_left_alone(bare_root_logger):
    root = bare_root_logger()
    own = logging.NullHandler()
    root.addHandler(own)
    assert not configure_server_logging("INFO")
    assert root.handlers == [own]


def test_building_a_server_leaves_the_root_logger_as_the_application_set_it(bare_root_logger):
    """The SDK's server constructor calls `logging.basicConfig` with rich's handler; not through the boundary."""
    root = bare_root_logger()
    root.setLevel(logging.ERROR)
    server = sdk.make_server(sdk.ServerBase, "quiet-logs", "DEBUG", {})
    assert isinstance(server, sdk.ServerBase)
    assert root.handlers == []
    assert root.level == logging.ERROR


def test_an_option_the_toolkit_owns_or_the_sdk_lacks_is_refused_by_name():
    with pytest.raises(ValueError, match="'stateless_http' is a transport setting"):
        sdk.make_server(sdk.ServerBase, "x", "INFO", {"stateless_http": True})
    with pytest.raises(ValueError, match=r"'colour' is not an option of the SDK's server on mcp .*instructions"):
        sdk.make_server(sdk.ServerBase, "x", "INFO", {"colour": "blue"})


def test_an_unknown_level_is_refused():
    with pytest.raises(ValueError, match="DEBUG, INFO, WARNING, ERROR, CRITICAL"):
        configure_server_logging("loud")


def test_a_closed_stream_at_session_end_is_demoted_to_debug(caplog):
    configure_server_logging()
    sdk_logger = logging.getLogger("mcp.server.streamable_http")
    caplog.set_level(logging.DEBUG, logger="mcp.server.streamable_http")
    for error in (anyio.ClosedResourceError(), ExceptionGroup("writer", [anyio.BrokenResourceError()])):
        try:
            raise error
        except Exception:
            sdk_logger.exception("Error in standalone SSE writer")
    try:
        raise RuntimeError("a real failure")
    except RuntimeError:
        sdk_logger.exception("Error in standalone SSE writer")
    assert [r.levelname for r in caplog.records] == ["DEBUG", "DEBUG", "ERROR"]


# --- real server processes ------------------------------------------------------------------


class Pinger:
    """Pings on a session of its own from a thread, timing every round trip."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.latencies: list[float] = []
        self.started = threading.Event()
        self.stop = threading.Event()
        self.errors: list[BaseException] = []
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Pinger:
        self.thread.start()
        assert self.started.wait(DEADLINE), "the pinger never got an answer"
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join(DEADLINE)
        assert not self.errors, self.errors

    def _run(self) -> None:
        try:
            with httpx.Client(timeout=DEADLINE) as http:
                session = initialize(http, self.url)
                ping_id = 1
                while not self.stop.is_set():
                    began = time.perf_counter()
                    answer = messages(http.post(self.url, json=request("ping", id=ping_id), headers=headers(session)))
                    self.latencies.append(time.perf_counter() - began)
                    assert answer == [{"jsonrpc": "2.0", "id": ping_id, "result": {}}]
                    self.started.set()
                    ping_id += 1
                    self.stop.wait(0.01)
        except BaseException as exc:  # reported by __exit__, on the test's thread
            self.errors.append(exc)


def wait_for(condition: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def hostile_call(url: str, session: str) -> None:
    call = request("tools/call", {"name": "x" * HOSTILE_CHARS, "arguments": {}}, id=7)
    with httpx.Client(timeout=DEADLINE) as http:
        answer = messages(http.post(url, json=call, headers=headers(session)))[-1]
    assert answer["result"]["isError"]


def hostile_answer(url: str, session: str) -> None:
    # An answer to a request the server never sent, which the SDK logs as an error.
    answer = {"jsonrpc": "2.0", "id": 424242, "result": {"content": "x" * HOSTILE_CHARS}}
    with httpx.Client(timeout=DEADLINE) as http:
        assert http.post(url, json=answer, headers=headers(session)).status_code == 202


@pytest.mark.e2e
@pytest.mark.parametrize(
    "hostile",
    [
        pytest.param(hostile_call, id="unknown-tool-name"),
        pytest.param(
            hostile_answer,
            id="unknown-answer-id",
            # Nothing to cut there: the SDK logs only the id, at DEBUG.
            marks=pytest.mark.only_mcp1("mcp 2.x never logs the value of an answer to an unknown request"),
        ),
    ],
)
def test_a_hostile_request_neither_stalls_other_sessions_nor_floods_the_log(spawn_server, test_server_script, hostile):
    server = spawn_server(test_server_script("preset_server"))
    log = server.log_path
    assert log is not None
    with httpx.Client(timeout=DEADLINE) as http:
        attacker = initialize(http, server.url)
    with Pinger(server.url) as pinger:
        size_before = log.stat().st_size
        hostile(server.url, attacker)
        # The SDK logs the value; the cut record reaches the file from the writer thread.
        logged = wait_for(lambda: CUT_NOTE in log.read_text(errors="replace"))
    growth = log.stat().st_size - size_before
    assert max(pinger.latencies) < PING_BOUND, f"slowest ping {max(pinger.latencies):.2f} s"
    assert growth < LOG_GROWTH_BOUND, f"the log grew by {growth:,} bytes"
    assert logged, "the hostile value was never logged, cut"


@pytest.mark.e2e
@pytest.mark.anyio
async def test_a_clean_client_close_logs_no_error(spawn_server, test_server_script):
    server = spawn_server(test_server_script("preset_server"))
    async with open_http_session(server.url) as session:
        await session.call_tool("echo", {"text": "hi"})
    # Stopping the server writes out everything it logged about the session.
    server.stop()
    text = await anyio.Path(server.log_path).read_text()
    assert "Terminating session" in text, "the session's end was logged"
    assert " ERROR " not in text and "Traceback" not in text, text[-3000:]


def logged_levels(log: Path) -> set[str]:
    return {line.split()[2] for line in log.read_text().splitlines() if len(line.split()) > 2}


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("args", "env"),
    [(["--log-level", "debug"], {}), ([], {"FASTMCP_LOG_LEVEL": "DEBUG"})],
    ids=["option", "environment"],
)
def test_a_demo_server_logs_at_the_level_it_is_given(spawn_server, args, env):
    server = spawn_server("demo_servers.everything", *args, env=env)
    with httpx.Client(timeout=DEADLINE) as http:
        initialize(http, server.url)
    assert wait_for(lambda: "DEBUG" in logged_levels(server.log_path)), server.logs()


@pytest.mark.e2e
def test_the_log_level_option_wins_over_the_environment(spawn_server):
    server = spawn_server("demo_servers.everything", "--log-level", "WARNING", env={"FASTMCP_LOG_LEVEL": "DEBUG"})
    with httpx.Client(timeout=DEADLINE) as http:
        initialize(http, server.url)
    server.stop()
    assert not logged_levels(server.log_path) & {"DEBUG", "INFO"}, server.logs()
