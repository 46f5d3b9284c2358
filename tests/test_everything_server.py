"""The everything server beyond what the conformance suite checks: resumption, subscriptions, media."""

from __future__ import annotations

import io
import json
import struct
import wave
import zlib

import anyio
import httpx
import pytest
from harness import in_memory_client
from mcp import types
from sdk_compat import quietly, server_capabilities, text_of, to_wire, wire_callbacks
from wire import headers, initialize, parse_sse, request

from demo_servers.everything import build_server
from demo_servers.everything.forms import choices_schema
from demo_servers.everything.resources import WATCHED_URI
from demo_servers.everything.samples import pixel_png, silence_wav


def test_pixel_png_is_a_valid_one_pixel_png():
    png = pixel_png((1, 2, 3))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (1, 1)
    idat_length = struct.unpack(">I", png[33:37])[0]
    assert zlib.decompress(png[41 : 41 + idat_length]) == b"\x00\x01\x02\x03"


def test_silence_wav_reads_back():
    with wave.open(io.BytesIO(silence_wav(frames=4, rate=8000))) as clip:
        assert (clip.getnchannels(), clip.getsampwidth(), clip.getframerate(), clip.getnframes()) == (1, 2, 8000, 4)


@pytest.mark.anyio
async def test_subscribed_session_hears_updates_until_it_unsubscribes():
    updates: list[str] = []

    heard = anyio.Event()

    def on_notification(message: dict) -> None:
        if message["method"] == "notifications/resources/updated":
            updates.append(message["params"]["uri"])
            heard.set()

    async with in_memory_client(build_server(), **wire_callbacks(notification=on_notification)) as client:
        assert server_capabilities(client)["resources"]["subscribe"] is True
        await quietly(client.subscribe_resource, WATCHED_URI)
        first = await client.call_tool("update_watched_resource", {"text": "new"})
        with anyio.fail_after(5):
            await heard.wait()
        read = await client.read_resource(WATCHED_URI)
        await quietly(client.unsubscribe_resource, WATCHED_URI)
        result = await client.call_tool("update_watched_resource", {"text": "newer"})
    assert updates == [WATCHED_URI]
    assert "notified 1" in text_of(first)
    assert text_of(read) == "new"
    # Told no one: the unsubscribed session was the only subscriber.
    assert "notified 0" in text_of(result)


@pytest.mark.anyio
async def test_sampling_without_the_capability_is_a_tool_error():
    async with in_memory_client(build_server()) as client:
        result = await client.call_tool("test_sampling", {"prompt": "hello"})
    assert to_wire(result)["isError"]
    assert "sampling" in text_of(result)


@pytest.mark.e2e
def test_reconnection_tool_closes_its_stream_and_the_answer_is_replayed(spawn_server):
    server = spawn_server("demo_servers.everything")
    with httpx.Client(timeout=10) as http:
        session = initialize(http, server.url)
        call = request("tools/call", {"name": "test_reconnection", "arguments": {}}, id=7)
        with http.stream("POST", server.url, json=call, headers=headers(session)) as response:
            cut = parse_sse(list(response.iter_lines()))
        assert cut[0].data == "" and cut[0].retry == 1000, "the stream opens with a priming event"
        assert not any('"id":7' in event.data for event in cut), "the answer came before the stream was cut"
        resume = headers(session, **{"Last-Event-ID": cut[-1].id or "", "Accept": "text/event-stream"})
        with http.stream("GET", server.url, headers=resume) as response:
            assert response.status_code == 200
            replayed: list[str] = []
            for line in response.iter_lines():
                replayed.append(line)
                if '"id":7' in line:
                    break
    answers = [event.json() for event in parse_sse(replayed) if '"id":7' in event.data]
    assert answers[0]["result"]["content"][0]["text"] == "Reconnection test completed"


class ScriptedUser:
    """An elicitation callback that always answers `action` (with `content`), recording each request."""

    def __init__(self, action: str, content: dict | None = None) -> None:
        self.action, self.content = action, content
        self.asked: list[dict] = []

    async def __call__(self, context, params: types.ElicitRequestParams) -> types.ElicitResult:
        self.asked.append(to_wire(params))
        return types.ElicitResult(action=self.action, content=self.content)  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_enum_form_is_the_toolkit_schema_plus_legacy_titles_and_answers_read_back():
    choices = {
        "untitledSingle": "option2",
        "titledSingle": "value3",
        "legacyEnum": "opt1",
        "untitledMulti": ["option1"],
        "titledMulti": ["value1", "value2"],
    }
    user = ScriptedUser("accept", choices)
    async with in_memory_client(build_server(), elicitation_callback=user) as client:
        result = await client.call_tool("test_elicitation_sep1330_enums", {})
    schema = user.asked[0]["requestedSchema"]
    assert schema == {**choices_schema(), "required": schema["required"]}
    assert schema["properties"]["legacyEnum"]["enumNames"] == ["Option One", "Option Two", "Option Three"]
    text = text_of(result)
    assert text == f"Elicitation completed: action=accept, content={json.dumps(choices)}"


@pytest.mark.anyio
async def test_enum_form_answer_outside_the_options_is_a_tool_error():
    wrong = {
        "untitledSingle": "nope",
        "titledSingle": "value1",
        "legacyEnum": "opt1",
        "untitledMulti": [],
        "titledMulti": [],
    }
    async with in_memory_client(build_server(), elicitation_callback=ScriptedUser("accept", wrong)) as client:
        result = await client.call_tool("test_elicitation_sep1330_enums", {})
    assert to_wire(result)["isError"]
    assert "untitledSingle" in text_of(result)


@pytest.mark.anyio
@pytest.mark.parametrize("action", ["decline", "cancel"])
async def test_declined_or_cancelled_forms_report_the_action(action):
    async with in_memory_client(build_server(), elicitation_callback=ScriptedUser(action)) as client:
        defaults = await client.call_tool("test_elicitation_sep1034_defaults", {})
        contact = await client.call_tool("test_elicitation", {"message": "Who are you?"})
    assert text_of(defaults) == f"Elicitation completed: action={action}, content={{}}"
    assert text_of(contact) == f"User response: action={action}, content={{}}"


@pytest.mark.anyio
async def test_defaults_form_sends_a_default_for_every_field():
    user = ScriptedUser("decline")
    async with in_memory_client(build_server(), elicitation_callback=user) as client:
        await client.call_tool("test_elicitation_sep1034_defaults", {})
    properties = user.asked[0]["requestedSchema"]["properties"]
    assert {name: prop["default"] for name, prop in properties.items()} == {
        "name": "John Doe",
        "age": 30,
        "score": 95.5,
        "status": "active",
        "verified": True,
    }
