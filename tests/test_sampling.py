"""The sampling helpers over in-memory streams: capability gates, error mapping, retries, fallbacks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import pytest
from harness import in_memory_client
from mcp.types import (
    CreateMessageRequestParams,
    CreateMessageResult,
    CreateMessageResultWithTools,
    ImageContent,
    SamplingCapability,
    SamplingContextCapability,
    SamplingToolsCapability,
    TextContent,
    ToolUseContent,
)
from pydantic import BaseModel, ValidationError
from sdk_compat import text_of, to_wire

import toolkit
from toolkit import Context
from toolkit.sampling.structured import parse_structured

pytestmark = pytest.mark.anyio

Action = Callable[[Context], Awaitable[Any]]


class Recorder:
    """A client sampling callback that answers with prepared results and records requests."""

    def __init__(self, *replies: Any) -> None:
        self.replies = list(replies)
        #: The requests' params in wire form.
        self.requests: list[dict[str, Any]] = []

    async def __call__(self, context: Any, params: CreateMessageRequestParams) -> Any:
        self.requests.append(to_wire(params))
        reply = self.replies.pop(0)
        if isinstance(reply, str):
            return CreateMessageResult(
                role="assistant", content=TextContent(type="text", text=reply), model="m", stopReason="endTurn"
            )
        return reply


class Probe:
    """A toolkit server with one tool that runs whatever action the test hands it."""

    def __init__(self) -> None:
        self.server = toolkit.stateful_server("probe")
        self.server.tool(name="probe")(self._probe)
        self._action: Action | None = None
        self._outcome: tuple[Any, BaseException | None] = (None, None)

    async def _probe(self, ctx: Context) -> str:
        assert self._action is not None
        try:
            self._outcome = (await self._action(ctx), None)
        except Exception as exc:
            self._outcome = (None, exc)
        return "done"

    async def run(self, action: Action, callback: Recorder | None = None, capability: Any = None) -> Any:
        """Call the tool from a client that declares `capability`; re-raise what the action raised."""
        self._action = action
        client = {"sampling_callback": callback, "sampling_capabilities": capability} if callback is not None else {}
        async with in_memory_client(self.server, **client) as session:
            await session.call_tool("probe", {})
        result, error = self._outcome
        if error is not None:
            raise error
        return result


@pytest.fixture
def probe() -> Probe:
    return Probe()


LOOKUP = {"name": "lookup_rate", "description": "Exchange rate", "inputSchema": {"type": "object"}}


async def test_include_context_needs_sampling_context(probe):
    llm = Recorder()
    with pytest.raises(toolkit.CapabilityError) as caught:
        await probe.run(lambda ctx: toolkit.sample_text(ctx, "Hi", include_context="thisServer"), llm)
    assert caught.value.capability == "sampling.context"
    assert "includeContext must be 'none'" in str(caught.value)
    assert llm.requests == [], "nothing was sent"


async def test_include_context_is_sent_when_declared(probe):
    llm = Recorder("with context")
    capability = SamplingCapability(context=SamplingContextCapability())
    text = await probe.run(lambda ctx: toolkit.sample_text(ctx, "Hi", include_context="allServers"), llm, capability)
    assert text == "with context"
    assert llm.requests[0]["includeContext"] == "allServers"


async def test_include_context_none_needs_no_extra_capability(probe):
    llm = Recorder("plain")
    assert await probe.run(lambda ctx: toolkit.sample_text(ctx, "Hi", include_context="none"), llm) == "plain"


async def test_tools_need_sampling_tools(probe):
    llm = Recorder()
    with pytest.raises(toolkit.CapabilityError) as caught:
        await probe.run(lambda ctx: toolkit.sample(ctx, "Rate?", tools=[LOOKUP]), llm)
    assert caught.value.capability == "sampling.tools"
    assert llm.requests == []


async def test_tool_calls_come_back_when_declared(probe):
    use = ToolUseContent(type="tool_use", id="call-1", name="lookup_rate", input={"pair": "EURUSD"})
    reply = CreateMessageResultWithTools(role="assistant", content=[use], model="m", stopReason="toolUse")
    llm = Recorder(reply)
    capability = SamplingCapability(tools=SamplingToolsCapability())
    result = await probe.run(lambda ctx: toolkit.sample(ctx, "Rate?", tools=[LOOKUP]), llm, capability)
    assert result.tool_uses == (to_wire(use),)
    assert result.text == "" and result.stop_reason == "toolUse"
    assert [tool["name"] for tool in llm.requests[0]["tools"]] == ["lookup_rate"]


async def test_sample_text_refuses_an_answer_of_only_tool_calls(probe):
    use = ToolUseContent(type="tool_use", id="call-1", name="lookup_rate", input={})
    llm = Recorder(CreateMessageResultWithTools(role="assistant", content=[use], model="m", stopReason="toolUse"))
    capability = SamplingCapability(tools=SamplingToolsCapability())
    with pytest.raises(toolkit.errors.SamplingFailed, match="'tool_use' content"):
        await probe.run(lambda ctx: toolkit.sample_text(ctx, "Rate?", tools=[LOOKUP]), llm, capability)


async def test_image_answer_is_non_text_content(probe):
    image = ImageContent(type="image", data="iVBORw0KGgo=", mimeType="image/png")
    llm = Recorder(CreateMessageResult(role="assistant", content=image, model="m"))
    with pytest.raises(toolkit.errors.SamplingFailed, match="'image' content") as caught:
        await probe.run(lambda ctx: toolkit.sample_text(ctx, "Draw"), llm)
    assert caught.value.code is None


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"include_context": "everything"}, "include_context must be one of"),
        ({"timeout": 0}, "timeout must be a positive number"),
        ({"max_tokens": -5}, "max_tokens must be a positive integer"),
    ],
)
async def test_bad_options_fail_before_anything_is_sent(probe, options, fragment):
    llm = Recorder()
    with pytest.raises(toolkit.errors.InvalidArgument, match=fragment):
        await probe.run(lambda ctx: toolkit.sample(ctx, "Hi", **options), llm)
    assert llm.requests == []


async def test_default_max_tokens_is_sent(probe):
    llm = Recorder("ok")
    await probe.run(lambda ctx: toolkit.sample_text(ctx, "Hi"), llm)
    assert llm.requests[0]["maxTokens"] == 1000


class Split(BaseModel):
    people: int
    share: float


async def test_structured_output_gives_up_after_max_retries(probe):
    llm = Recorder("no", "still no", "never")
    with pytest.raises(toolkit.errors.StructuredOutputInvalid) as caught:
        await probe.run(lambda ctx: toolkit.sample_structured(ctx, "Split 30 EUR by 3", Split, max_retries=2), llm)
    assert caught.value.attempts == 3 and len(llm.requests) == 3
    assert "Invalid JSON" in caught.value.errors


async def test_structured_output_without_retries_asks_once(probe):
    llm = Recorder('{"people": 3}')
    with pytest.raises(toolkit.errors.StructuredOutputInvalid, match="after 1 attempt"):
        await probe.run(lambda ctx: toolkit.sample_structured(ctx, "Split", Split, max_retries=0), llm)
    assert len(llm.requests) == 1


async def test_structured_output_mentions_a_cut_off_answer(probe):
    cut = CreateMessageResult(
        role="assistant", content=TextContent(type="text", text='{"people": 3, "sh'), model="m", stopReason="maxTokens"
    )
    llm = Recorder(cut)
    with pytest.raises(toolkit.errors.StructuredOutputInvalid, match="raise max_tokens"):
        await probe.run(lambda ctx: toolkit.sample_structured(ctx, "Split", Split, max_retries=0), llm)


async def test_structured_output_keeps_the_callers_system_prompt(probe):
    llm = Recorder('The answer is {"people": 3, "share": 10.0}, I think.')

    async def action(ctx: Context) -> Split:
        return await toolkit.sample_structured(ctx, "Split 30 by 3", Split, system_prompt="Be exact.", max_tokens=50)

    assert await probe.run(action, llm) == Split(people=3, share=10.0)
    assert llm.requests[0]["systemPrompt"].startswith("Be exact.\n\nAnswer with a single JSON object")
    assert llm.requests[0]["maxTokens"] == 50


@pytest.mark.parametrize(
    "answer",
    [
        '{"people": 3, "share": 10}',
        '{"people": 3, "share": 10} Hope this helps!',
        '```\n{"people": 3, "share": 10}\n```',
    ],
)
def test_parse_structured_tolerates_fences_and_prose(answer):
    assert parse_structured(answer, Split) == Split(people=3, share=10.0)


def test_parse_structured_raises_validation_errors():
    with pytest.raises(ValidationError):
        parse_structured("[1, 2]", Split)


async def test_negative_max_retries_is_rejected(probe):
    with pytest.raises(toolkit.errors.InvalidArgument, match="max_retries"):
        await probe.run(lambda ctx: toolkit.sample_structured(ctx, "Split", Split, max_retries=-1), Recorder())


# --- fallbacks -------------------------------------------------------------------------------


class Broken:
    async def sample(self, request: toolkit.sampling.SamplingRequest) -> Any:
        raise RuntimeError("disk full")


class WrongType:
    async def sample(self, request: toolkit.sampling.SamplingRequest) -> Any:
        return "just a string"


async def test_failing_fallback_becomes_sampler_failed(probe):
    toolkit.use_fallback_sampler(probe.server, Broken())
    with pytest.raises(toolkit.errors.SamplingFailed, match="fallback sampler Broken failed: RuntimeError") as caught:
        await probe.run(lambda ctx: toolkit.sample_text(ctx, "Hi"))
    assert isinstance(caught.value.__cause__, RuntimeError)


async def test_fallback_returning_the_wrong_type_becomes_sampler_failed(probe):
    toolkit.use_fallback_sampler(probe.server, WrongType())
    with pytest.raises(toolkit.errors.SamplingFailed, match="returned str, not a SamplingResult"):
        await probe.run(lambda ctx: toolkit.sample_text(ctx, "Hi"))


async def test_fallback_can_be_refused_per_call_and_removed(probe):
    toolkit.use_fallback_sampler(probe.server, toolkit.OfflineSampler())
    with pytest.raises(toolkit.CapabilityError):
        await probe.run(lambda ctx: toolkit.sample_text(ctx, "Hi", use_fallback=False))
    assert (await probe.run(lambda ctx: toolkit.sample(ctx, "Rent is due."))).via_fallback
    toolkit.use_fallback_sampler(probe.server, None)
    with pytest.raises(toolkit.CapabilityError):
        await probe.run(lambda ctx: toolkit.sample_text(ctx, "Hi"))


async def test_fallback_cannot_stand_in_for_tools(probe):
    toolkit.use_fallback_sampler(probe.server, toolkit.OfflineSampler())
    with pytest.raises(toolkit.CapabilityError, match="fallback sampler cannot offer tools"):
        await probe.run(lambda ctx: toolkit.sample(ctx, "Rate?", tools=[LOOKUP]))


async def test_fallback_is_not_used_when_the_client_can_sample(probe):
    toolkit.use_fallback_sampler(probe.server, toolkit.OfflineSampler(), on_reject=True)
    result = await probe.run(lambda ctx: toolkit.sample(ctx, "Hi"), Recorder("from the client"))
    assert (result.text, result.via_fallback) == ("from the client", False)


def test_use_fallback_sampler_rejects_non_samplers(probe):
    with pytest.raises(TypeError, match="needs an async sample"):
        toolkit.use_fallback_sampler(probe.server, object())  # type: ignore[arg-type]


# --- cancellation ----------------------------------------------------------------------------


@pytest.mark.only_mcp2(
    "mcp 1.x's client runs a server's request callback inline, so one that never answers keeps it from "
    "hearing the cancellation; the mcp 1.x test reads the wire instead"
)
async def test_cancelled_tool_call_cancels_its_sampling_request_too():
    """A caller's own cancel scope around `sample` also sends `notifications/cancelled`."""
    server = toolkit.stateful_server("cancel")
    asked, cancelled = anyio.Event(), anyio.Event()

    @server.tool()
    async def give_up(ctx: Context) -> str:
        with anyio.move_on_after(0.2):
            await toolkit.sample_text(ctx, "Anyone?", timeout=None)
        return "gave up"

    async def never_answers(context: Any, params: Any) -> Any:
        asked.set()
        try:
            await anyio.sleep_forever()
        finally:
            # The client stops waiting for its LLM only because the server said so.
            cancelled.set()

    async with in_memory_client(server, sampling_callback=never_answers) as client:
        result = await client.call_tool("give_up", {})
        with anyio.fail_after(10):
            await cancelled.wait()
    assert asked.is_set()
    assert text_of(result) == "gave up"


def _request(id: int, method: str, params: dict[str, Any]) -> Any:
    from mcp.shared.message import SessionMessage
    from mcp.types import JSONRPCMessage

    wire = {"jsonrpc": "2.0", "id": id, "method": method, "params": params}
    return SessionMessage(JSONRPCMessage.model_validate(wire))


def _notification(method: str) -> Any:
    from mcp.shared.message import SessionMessage
    from mcp.types import JSONRPCMessage

    return SessionMessage(JSONRPCMessage.model_validate({"jsonrpc": "2.0", "method": method}))


@pytest.mark.only_mcp1("the raw in-memory streams of mcp 1.x's low-level server")
async def test_cancelled_tool_call_cancels_its_sampling_request_on_the_wire():
    """A caller's own cancel scope around `sample` also sends `notifications/cancelled`, naming the request."""
    from mcp.shared.memory import create_client_server_memory_streams

    server = toolkit.stateful_server("cancel")

    @server.tool()
    async def give_up(ctx: Context) -> str:
        with anyio.move_on_after(0.2):
            await toolkit.sample_text(ctx, "Anyone?", timeout=None)
        return "gave up"

    init = {
        "protocolVersion": "2025-11-25",
        "capabilities": {"sampling": {}},
        "clientInfo": {"name": "t", "version": "0"},
    }
    lowlevel = server._mcp_server
    async with (
        create_client_server_memory_streams() as ((client_read, client_write), server_streams),
        anyio.create_task_group() as tg,
    ):
        tg.start_soon(lambda: lowlevel.run(*server_streams, lowlevel.create_initialization_options()))
        await client_write.send(_request(0, "initialize", init))
        await client_read.receive()
        await client_write.send(_notification("notifications/initialized"))
        await client_write.send(_request(1, "tools/call", {"name": "give_up", "arguments": {}}))
        seen = []
        with anyio.fail_after(10):
            while not seen or seen[-1].get("id") != 1:
                message = await client_read.receive()
                seen.append(message.message.root.model_dump(by_alias=True, exclude_none=True))
        tg.cancel_scope.cancel()

    kinds = [m.get("method", "response") for m in seen]
    assert kinds == ["sampling/createMessage", "notifications/cancelled", "response"]
    assert seen[1]["params"]["requestId"] == seen[0]["id"]
    assert seen[2]["result"]["content"][0]["text"] == "gave up"
