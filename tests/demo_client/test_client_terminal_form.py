"""The terminal form, driven with simulated keyboard input (one line per Enter)."""

from __future__ import annotations

import io
import os
import select
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import anyio
import pytest
from rich.console import Console

import demo_client
from demo_client import FormRequest, InvalidForm, TerminalForm, UrlRequest

SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "title": "Full name", "minLength": 2},
        "email": {"type": "string", "format": "email"},
        "seats": {"type": "integer", "minimum": 1, "maximum": 4, "default": 2},
        "window": {"type": "boolean", "title": "Window seat", "default": False},
        "meal": {
            "type": "string",
            "oneOf": [{"const": "veg", "title": "Vegetarian"}, {"const": "std", "title": "Standard"}],
        },
        "extras": {
            "type": "array",
            "items": {"anyOf": [{"const": "bag", "title": "Extra bag"}, {"const": "wifi", "title": "Wi-Fi"}]},
            "maxItems": 1,
            "default": ["wifi"],
        },
        "note": {"type": "string"},
    },
    "required": ["name", "email", "meal"],
}


def form(*keys: str, open_browser: bool = False) -> tuple[TerminalForm, io.StringIO]:
    screen = io.StringIO()
    console = Console(file=screen, width=120, color_system=None)
    typed = io.StringIO("".join(f"{key}\n" for key in keys))
    return TerminalForm(console, stream=typed, open_browser=open_browser), screen


def request(schema=SCHEMA, message="Book a seat") -> FormRequest:
    return FormRequest(message, schema)


def test_answers_are_typed_checked_and_sent():
    terminal, screen = form(
        "a",  # answer rather than decline
        "A",  # too short: asked again
        "Ada Lovelace",
        "not-an-email",  # asked again
        "ada@example.com",
        "9",  # above the maximum: asked again
        "3",
        "yes",
        "Vegetarian",  # an option by title
        "1,2",  # too many options: asked again
        "1",
        "-",  # leave the optional note empty
        "s",
    )
    answer = terminal.ask(request())
    assert answer.action == "accept"
    assert answer.content == {
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "seats": 3,
        "window": True,
        "meal": "veg",
        "extras": ["bag"],
    }
    shown = screen.getvalue()
    assert "Book a seat" in shown
    assert "at least 2 character" in shown
    assert "must be an email address" in shown
    assert "must be at most 4" in shown
    assert "choose at most 1 option" in shown
    assert "1) Vegetarian (veg)" in shown
    assert "whole number, 1 to 4, optional" in shown


def test_enter_keeps_the_prefilled_defaults():
    terminal, screen = form("", "Ada", "ada@example.com", "", "", "2", "", "", "")
    answer = terminal.ask(request())
    assert answer.content == {
        "name": "Ada",
        "email": "ada@example.com",
        "seats": 2,
        "window": False,
        "meal": "std",
        "extras": ["wifi"],
    }
    assert "[2]" in screen.getvalue() and "[Wi-Fi]" in screen.getvalue()


def test_edit_asks_again_with_the_previous_answers_in_brackets():
    first_pass = ["a", "Ada", "ada@example.com", "", "", "1", "", ""]
    second_pass = ["", "bob@example.com", "4", "", "", "", ""]
    terminal, screen = form(*first_pass, "e", *second_pass, "s")
    answer = terminal.ask(request())
    assert answer.content["name"] == "Ada"
    assert answer.content["email"] == "bob@example.com"
    assert answer.content["seats"] == 4
    assert "[ada@example.com]" in screen.getvalue()


@pytest.mark.parametrize(
    ("keys", "action"),
    [
        (["d"], "decline"),
        (["c"], "cancel"),
        (["a", "Ada", "ada@example.com", "", "", "1", "", "", "d"], "decline"),
        (["a", "Ada"], "cancel"),  # input ends (Ctrl-D) in the middle of the form
        ([], "cancel"),
    ],
)
def test_decline_and_cancel(keys, action):
    terminal, _ = form(*keys)
    answer = terminal.ask(request())
    assert answer.action == action
    assert answer.content is None


def test_a_multi_select_with_an_option_twice_is_asked_again():
    schema = {
        "type": "object",
        "properties": {
            "toppings": {
                "type": "array",
                "title": "Toppings",
                "items": {"type": "string", "enum": ["cheese", "ham", "mushrooms", "olives", "pineapple"]},
            }
        },
        "required": ["toppings"],
    }
    terminal, screen = form("a", "3,5,3", "3, mushrooms", "3,5", "s")
    answer = terminal.ask(request(schema))
    assert answer.content == {"toppings": ["mushrooms", "pineapple"]}
    assert screen.getvalue().count("Toppings: mushrooms is listed twice; list each option once.") == 2


def test_unknown_letter_is_asked_again():
    terminal, screen = form("x", "d")
    assert terminal.ask(request()).action == "decline"
    assert "Type one of the letters" in screen.getvalue()


def test_boolean_and_number_input_errors_say_what_to_type():
    schema = {
        "type": "object",
        "properties": {"ok": {"type": "boolean"}, "rate": {"type": "number", "minimum": 0}},
        "required": ["ok", "rate"],
    }
    terminal, screen = form("a", "maybe", "n", "fast", "-1", "0.5", "s")
    answer = terminal.ask(request(schema))
    assert answer.content == {"ok": False, "rate": 0.5}
    shown = screen.getvalue()
    assert "answer yes or no" in shown
    assert "must be a number, like 42" in shown
    assert "must be at least 0" in shown


def test_a_malformed_schema_is_refused():
    schema = {"type": "object", "properties": {"address": {"type": "object", "properties": {}}}}
    terminal, _ = form("a")
    with pytest.raises(InvalidForm, match="address"):
        terminal.ask(request(schema))


def test_url_mode_shows_the_url_and_reports_completion():
    terminal, screen = form("o")
    url_request = UrlRequest("Sign in", "https://example.com/login", "e-1")
    assert terminal.ask(url_request).action == "accept"
    terminal.elicitation_complete("e-1")
    shown = screen.getvalue()
    assert "https://example.com/login" in shown
    assert "Waiting for the server" in shown
    assert "confirmed the interaction at https://example.com/login is complete" in shown


def test_url_mode_can_be_declined():
    terminal, _ = form("d")
    url_request = UrlRequest("Pay", "https://example.com/pay", "e-2")
    assert terminal.ask(url_request).action == "decline"


@pytest.mark.anyio
@pytest.mark.e2e
async def test_terminal_form_answers_a_real_server(spawn_server, test_server_script):
    server = spawn_server(test_server_script("plain_server"))
    terminal, screen = form("a", "Grace", "", "s")
    async with demo_client.connect(server.url, elicitation=terminal) as client:
        result = await client.call_tool("ask_person")
    assert result.text == "accept:Grace:30"
    assert "Who are you?" in screen.getvalue()


@pytest.mark.anyio
@pytest.mark.e2e
async def test_a_form_the_protocol_forbids_is_answered_with_an_error(spawn_server, test_server_script, failed_call):
    server = spawn_server(test_server_script("plain_server"))
    terminal, screen = form()
    async with demo_client.connect(server.url, elicitation=terminal) as client:
        failure = await failed_call(client, "ask_optional")
    assert "requestedSchema breaks the protocol's rules" in failure
    assert "nickname" in failure
    assert "Any nickname?" not in screen.getvalue()  # nothing was asked


# -- cancelling while a prompt waits: a real pipe stands in for the keyboard ----------------


class Screen(io.StringIO):
    """A console file that tells a waiting test when some text has appeared."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._waiting: list[tuple[str, threading.Event]] = []

    def write(self, text: str) -> int:
        with self._lock:
            written = super().write(text)
            for needle, shown in self._waiting:
                if needle in self.getvalue():
                    shown.set()
        return written

    def wait_for(self, needle: str, limit: float = 10.0) -> bool:
        shown = threading.Event()
        with self._lock:
            self._waiting.append((needle, shown))
            if needle in self.getvalue():
                shown.set()
        return shown.wait(limit)


class Keyboard:
    """Keys typed into a pipe, read by the form like a terminal: a read waits until Enter."""

    def __init__(self) -> None:
        read_end, self._write_end = os.pipe()
        self.stream = os.fdopen(read_end, "r", encoding="utf-8")

    def type(self, *keys: str) -> None:
        os.write(self._write_end, "".join(f"{key}\n" for key in keys).encode())

    def unread(self) -> bytes:
        """What was typed and nobody has read (without waiting for more)."""
        typed = b""
        while select.select([self.stream.fileno()], [], [], 0)[0]:
            chunk = os.read(self.stream.fileno(), 4096)
            if not chunk:
                break
            typed += chunk
        return typed

    def end(self) -> None:
        """End of input, like Ctrl-D at the start of a line."""
        if self._write_end >= 0:
            os.close(self._write_end)
            self._write_end = -1

    def close(self) -> None:
        self.end()
        self.stream.close()


@pytest.fixture
def keyboard() -> Iterator[Keyboard]:
    typed = Keyboard()
    yield typed
    typed.close()


FILLED = ["a", "Ada", "ada@example.com", "", "", "1", "", ""]


@pytest.mark.anyio
@pytest.mark.skipif(os.name != "posix", reason="the prompt waits with select on the keyboard's descriptor")
@pytest.mark.parametrize(
    ("keys", "prompt"),
    [
        ([], "(c)ancel? "),
        (["a"], "Full name: "),
        (FILLED[:6], "extras [Wi-Fi]: "),
        (FILLED, "(s)end, (e)dit, (d)ecline, (c)ancel? "),
    ],
)
async def test_cancelling_the_call_closes_the_open_prompt(keyboard, keys, prompt):
    screen = Screen()
    pauses: list[str] = []

    @contextmanager
    def pause() -> Iterator[None]:
        pauses.append("paused")
        try:
            yield
        finally:
            pauses.append("resumed")

    terminal = TerminalForm(Console(file=screen, width=120, color_system=None), stream=keyboard.stream, pause=pause)
    keyboard.type(*keys)
    answers = []

    async def answer() -> None:
        answers.append(await terminal(request()))

    async with anyio.create_task_group() as group:
        group.start_soon(answer)
        assert await anyio.to_thread.run_sync(screen.wait_for, prompt)
        group.cancel_scope.cancel()  # what Ctrl-C does to the call waiting for this answer

    assert answers == []
    # The prompt closed before the cancellation went on, so nothing still waits for a key ...
    assert pauses == ["paused", "resumed"]
    assert screen.getvalue().endswith(prompt + "\n")
    # ... and the next line typed is not taken by a form nobody waits for.
    keyboard.type("s")
    assert keyboard.unread() == b"s\n"


@pytest.mark.skipif(os.name != "posix", reason="the prompt waits with select on the keyboard's descriptor")
def test_lines_typed_ahead_are_all_used_and_end_of_input_cancels(keyboard):
    terminal = TerminalForm(Console(file=io.StringIO(), width=120, color_system=None), stream=keyboard.stream)
    # All in one write, as when pasting: no line may be lost to read-ahead buffering.
    keyboard.type("a", "Zoë", "zoe@example.com", "", "", "2", "", "", "s")
    assert terminal.ask(request()).content["name"] == "Zoë"
    keyboard.type("a", "Zoë")
    keyboard.end()  # Ctrl-D
    assert terminal.ask(request()).action == "cancel"
