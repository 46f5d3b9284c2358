"""The everything server's input-required tools, one source, on both protocol revisions.

The same tool code asks through the toolkit's question helpers: on a 2025-11-25 session
the client's callbacks answer server-to-client requests; on a 2026-07-28 request they answer
the input requests of each round, and the SDK's client calls again with the answers. Either
way the tool sees the same answers and says the same thing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from harness import ServerProcess
from sdk_compat import (
    LATEST_HANDSHAKE_VERSION,
    SESSIONLESS_REVISION,
    McpError,
    is_error,
    open_http_session,
    text_of,
    to_wire,
    wire_callbacks,
)

pytestmark = [pytest.mark.anyio, pytest.mark.e2e]

REVISIONS = [
    pytest.param(LATEST_HANDSHAKE_VERSION, id="2025-11-25"),
    pytest.param(SESSIONLESS_REVISION, marks=pytest.mark.requires_revision(SESSIONLESS_REVISION), id="2026-07-28"),
]
#: What the scripted user types into each field the server asks for.
FIELD_ANSWERS = {"name": "Alice", "color": "blue", "ok": True, "context": "test context", "proceed": True}
ROOTS = [{"uri": "file:///work/project", "name": "Project"}]


class Client:
    """Callbacks for every kind of question, recording what was asked."""

    def __init__(self) -> None:
        self.forms: list[str] = []
        self.prompts: list[str] = []
        self.roots_asked = 0

    def elicitation(self, params: dict[str, Any]) -> dict[str, Any]:
        self.forms.append(params["message"])
        fields = params["requestedSchema"]["properties"]
        return {"action": "accept", "content": {field: FIELD_ANSWERS[field] for field in fields}}

    def sampling(self, params: dict[str, Any]) -> dict[str, Any]:
        self.prompts.append(params["messages"][0]["content"]["text"])
        return {"role": "assistant", "content": {"type": "text", "text": "Hello there"}, "model": "scripted"}

    def list_roots(self) -> dict[str, Any]:
        self.roots_asked += 1
        return {"roots": ROOTS}

    def callbacks(self) -> dict[str, Any]:
        return wire_callbacks(elicitation=self.elicitation, sampling=self.sampling, list_roots=self.list_roots)


@pytest.fixture(scope="module")
def everything(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    folder = tmp_path_factory.mktemp("everything")
    server = ServerProcess("demo_servers.everything", log_path=folder / "server.log").start()
    yield server
    server.stop()


async def call(server: ServerProcess, revision: str, client: Client, tool: str) -> Any:
    async with open_http_session(server.url, revision=revision, **client.callbacks()) as session:
        return await session.call_tool(tool, {})


@pytest.mark.parametrize("revision", REVISIONS)
@pytest.mark.parametrize(
    ("tool", "said"),
    [
        ("test_input_required_result_elicitation", "Hello, Alice!"),
        ("test_input_required_result_sampling", "Model said: Hello there"),
        ("test_input_required_result_list_roots", "Client exposed 1 root(s): file:///work/project"),
        ("test_input_required_result_request_state", "state-ok: confirmation received"),
        ("test_input_required_result_multiple_inputs", "Hello there (to Alice; 1 root(s) exposed)"),
        ("test_input_required_result_multi_round", "Alice likes blue."),
        ("test_input_required_result_tampered_state", "state-ok: the request state was intact"),
        ("test_input_required_result_capabilities", "ask: Alice; sample: Hello there"),
        ("test_streaming_elicitation", "Going on."),
    ],
)
async def test_a_tool_says_the_same_on_both_revisions(everything, revision, tool, said):
    result = await call(everything, revision, Client(), tool)
    assert not is_error(result), text_of(result)
    assert text_of(result) == said


@pytest.mark.parametrize("revision", REVISIONS)
async def test_the_second_question_comes_only_after_the_first_answer(everything, revision):
    client = Client()
    await call(everything, revision, client, "test_input_required_result_multi_round")
    assert client.forms == ["Step 1: What is your name?", "Step 2: What is your favorite color?"]


@pytest.mark.parametrize("revision", REVISIONS)
async def test_concurrent_questions_each_reach_the_client_once(everything, revision):
    client = Client()
    await call(everything, revision, client, "test_input_required_result_multiple_inputs")
    assert (client.forms, client.prompts, client.roots_asked) == (["What is your name?"], ["Generate a greeting"], 1)


@pytest.mark.parametrize("revision", REVISIONS)
async def test_the_prompt_asks_before_it_answers(everything, revision):
    client = Client()
    async with open_http_session(everything.url, revision=revision, **client.callbacks()) as session:
        prompt = await session.get_prompt("test_input_required_result_prompt", {})
    messages = to_wire(prompt)["messages"]
    assert client.forms == ["What context should the prompt use?"]
    assert messages[0]["content"]["text"] == "Answer with this context in mind: test context"


async def test_a_client_without_sampling_gets_a_tool_error_naming_it_on_2025(everything):
    async with open_http_session(everything.url) as session:
        result = await session.call_tool("test_missing_capability", {})
    assert is_error(result)
    assert "sampling" in text_of(result)


@pytest.mark.requires_revision(SESSIONLESS_REVISION)
async def test_a_client_without_sampling_gets_the_missing_capability_error_on_2026(everything):
    async with open_http_session(everything.url, revision=SESSIONLESS_REVISION) as session:
        with pytest.raises(McpError) as raised:
            await session.call_tool("test_missing_capability", {})
    error = to_wire(raised.value.error)
    assert error["code"] == -32021
    assert error["data"]["requiredCapabilities"] == {"sampling": {}}
