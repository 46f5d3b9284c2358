"""The reference client against a server built with plain FastMCP, not the toolkit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import demo_client
from demo_client import Capabilities, ScriptedAnswers

pytestmark = [pytest.mark.anyio, pytest.mark.e2e]


@pytest.fixture
def plain_url(spawn_server, test_server_script) -> str:
    return spawn_server(test_server_script("plain_server")).url


def text(result) -> str:
    assert not result.is_error, result.content
    return result.text


async def declared(url: str, **options) -> dict:
    async with demo_client.connect(url, **options) as client:
        return json.loads(text(await client.call_tool("declared_capabilities")))


async def test_scripted_accept_and_decline(plain_url):
    answers = ScriptedAnswers([{"action": "accept", "content": {"name": "Ada", "age": 36}}, {"action": "decline"}])
    async with demo_client.connect(plain_url, elicitation=answers) as client:
        assert text(await client.call_tool("ask_person")) == "accept:Ada:36"
        assert text(await client.call_tool("ask_person")) == "decline"
    assert answers.asked == ["Who are you?", "Who are you?"]
    assert answers.remaining == 0


async def test_cancel_answer(plain_url):
    async with demo_client.connect(plain_url, elicitation=ScriptedAnswers([{"action": "cancel"}])) as client:
        assert text(await client.call_tool("ask_person")) == "cancel"


async def test_running_out_of_answers_fails_the_elicitation_with_a_clear_message(plain_url, failed_call):
    answers = ScriptedAnswers([{"action": "decline"}])
    async with demo_client.connect(plain_url, elicitation=answers) as client:
        failure = await failed_call(client, "ask_twice")
    assert "No scripted answer left for elicitation #2" in failure


async def test_accept_defaults_fills_defaults_and_required_fields(plain_url):
    async with demo_client.connect(plain_url, elicitation=demo_client.accept_defaults) as client:
        assert text(await client.call_tool("ask_person")) == "accept:x:30"


async def test_offline_sampling_is_the_default(plain_url):
    async with demo_client.connect(plain_url) as client:
        answer = json.loads(text(await client.call_tool("summarize", {"text": "Tides follow the moon."})))
    assert answer["model"] == "offline-extractive"
    assert "Tides follow the moon." in answer["text"]


async def test_rejected_sampling_reaches_the_server_as_an_error(plain_url, failed_call):
    async with demo_client.connect(plain_url, sampling=demo_client.RejectSampling()) as client:
        assert "rejected" in await failed_call(client, "summarize", {"text": "anything"})


async def test_progress_callbacks_sync_and_async(plain_url):
    seen: list[tuple[float, float | None, str | None]] = []

    async def record_async(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, total, message))

    async with demo_client.connect(plain_url, on_progress=lambda *args: seen.append(args)) as client:
        assert text(await client.call_tool("steps", {"count": 3})) == "3 steps"
        assert seen == [(1, 3, "step 1 of 3"), (2, 3, "step 2 of 3"), (3, 3, "step 3 of 3")]
        seen.clear()
        await client.call_tool("steps", {"count": 2}, on_progress=record_async)
        assert seen == [(1, 2, "step 1 of 2"), (2, 2, "step 2 of 2")]


async def test_default_declaration_as_the_server_sees_it(plain_url):
    report = await declared(plain_url)
    assert report["client"] == "demo-client"
    assert report["capabilities"] == {
        "elicitation": {"form": {}, "url": {}},
        "sampling": {},
        "roots": {"listChanged": True},
    }


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("none", {}),
        ("elicitation.form", {"elicitation": {"form": {}}}),
        ("elicitation.url,sampling.tools", {"elicitation": {"url": {}}, "sampling": {"tools": {}}}),
        ("roots.static,sampling.context", {"roots": {}, "sampling": {"context": {}}}),
    ],
)
async def test_narrowed_declarations_as_the_server_sees_them(plain_url, spec, expected):
    report = await declared(plain_url, capabilities=Capabilities.parse(spec))
    assert report["capabilities"] == expected


async def test_undeclared_elicitation_is_refused_by_the_client(plain_url, failed_call):
    answers = ScriptedAnswers([{"action": "accept"}])
    async with demo_client.connect(
        plain_url, elicitation=answers, capabilities=Capabilities(elicitation_url=False)
    ) as client:
        failure = await failed_call(client, "visit_url")
    assert "did not declare elicitation.url" in failure
    assert answers.asked == []  # the handler never saw the request


async def test_url_mode_reports_completion(plain_url):
    completed: list[str] = []
    answers = ScriptedAnswers([{"action": "accept"}])
    async with demo_client.connect(plain_url, elicitation=answers, on_elicitation_complete=completed.append) as client:
        assert text(await client.call_tool("visit_url")) == "accept"
        await client.ping()  # the notification may trail the result; a round trip lets it land
    assert completed == ["sign-in-1"]
    assert answers.asked == ["Please sign in."]


async def test_roots_default_to_the_working_directory_and_can_change(plain_url, tmp_path):
    async with demo_client.connect(plain_url) as client:
        first = await client.call_tool("client_roots")
        assert first.structured_content == {"result": [Path.cwd().resolve().as_uri()]}
        await client.set_roots([tmp_path, "file:///srv/data"])
        second = await client.call_tool("client_roots")
        assert second.structured_content == {"result": [tmp_path.resolve().as_uri(), "file:///srv/data"]}


@pytest.mark.parametrize(
    ("params", "declared", "missing"),
    [
        ({"tools": [{"name": "t", "inputSchema": {"type": "object"}}]}, {}, "sampling.tools"),
        ({"includeContext": "thisServer"}, {}, "sampling.context"),
        ({"includeContext": "thisServer"}, {"sampling_context": True}, None),
        ({"tools": [{"name": "t", "inputSchema": {"type": "object"}}]}, {"sampling_tools": True}, None),
        ({"includeContext": "none"}, {}, None),
    ],
)
def test_sampling_beyond_the_declaration_is_refused(params, declared, missing):
    from demo_client.client.callbacks import undeclared_sampling

    request = {"messages": [{"role": "user", "content": {"type": "text", "text": "hi"}}], "maxTokens": 5, **params}
    assert undeclared_sampling(request, demo_client.Capabilities(**declared)) == missing


async def test_a_handler_gets_the_clients_own_request_and_may_answer_with_a_dict(plain_url):
    seen: list[demo_client.ElicitationRequest] = []

    def handler(request):
        seen.append(request)
        return {"action": "accept", "content": {"name": "Ada", "age": 3}}

    async with demo_client.connect(plain_url, elicitation=handler) as client:
        assert text(await client.call_tool("ask_person")) == "accept:Ada:3"
    [request] = seen
    assert isinstance(request, demo_client.FormRequest)
    assert request.message == "Who are you?"
    assert set(request.requested_schema["properties"]) == {"name", "age"}


@pytest.mark.parametrize(
    ("handler", "reason"),
    [
        (lambda request: {"action": "maybe"}, "The elicitation handler returned {'action': 'maybe'}"),
        (lambda request: (_ for _ in ()).throw(demo_client.RequestRefused(-1, "not now")), "not now"),
    ],
    ids=["not an answer", "refused"],
)
async def test_a_handler_that_cannot_answer_fails_the_request_with_its_reason(plain_url, failed_call, handler, reason):
    async with demo_client.connect(plain_url, elicitation=handler) as client:
        assert reason in await failed_call(client, "ask_person")


async def test_a_sampling_handler_works_in_wire_form(plain_url):
    received: list[dict] = []

    async def sampler(params: dict) -> dict:
        received.append(params)
        return {"role": "assistant", "content": {"type": "text", "text": "short"}, "model": "handmade"}

    async with demo_client.connect(plain_url, sampling=sampler) as client:
        answer = json.loads(text(await client.call_tool("summarize", {"text": "Tides follow the moon."})))
    assert answer == {"model": "handmade", "text": "short"}
    assert received[0]["maxTokens"] == 60
    assert received[0]["messages"][0]["content"]["text"] == "Summarize: Tides follow the moon."
