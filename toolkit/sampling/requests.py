"""Ask the client's LLM for text from inside a tool: `sample_text`, `sample`, `sample_structured`.

Every call checks the client's declared capabilities before it sends anything, waits a
bounded time (and cancels the request on the wire when that runs out), and turns each way
of failing into its own `SamplingError`. A server can register a fallback `Sampler` with
`use_fallback_sampler`; it answers when the client cannot sample and, if asked, when the
user rejects the request.

On a 2026-07-28 request the same call ends the round with an input-required result asking
for the sample, and the tool's body replays with the answer (see `toolkit.server.rounds`). A
fallback sampler answers inside the round, so it runs again on every round of a flow that
samples before another question: keep such a step in `toolkit.once`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, TypedDict, Unpack, get_args

from .._sdk import ClientRequestError, ClientRequestTimeout
from ..errors import (
    InvalidSamplingRequest,
    NonTextSamplingContent,
    SamplerFailed,
    SamplingError,
    SamplingRejected,
    SamplingRequestFailed,
    SamplingTimeout,
    SamplingUnsupported,
)
from ..server.capabilities import client_features, require_sampling
from ..server.rounds import ask_client
from ..server.state import call_state, state_of
from .samplers import Prompt, Sampler, SamplingRequest, SamplingResult, content_blocks, to_wire

if TYPE_CHECKING:
    from .._sdk import Context

__all__ = [
    "DEFAULT_MAX_TOKENS",
    "DEFAULT_TIMEOUT",
    "USER_REJECTED",
    "SamplingOptions",
    "sample",
    "sample_text",
    "use_fallback_sampler",
]

#: Token limit used when a call does not give `max_tokens` (the protocol requires one).
DEFAULT_MAX_TOKENS = 1000
#: Seconds to wait for the client; generous because a human may have to approve the request.
DEFAULT_TIMEOUT = 300.0
#: The reason sent with `notifications/cancelled` when the client did not answer in time.
TIMEOUT_REASON = "The server stopped waiting for an answer."
#: The JSON-RPC error code a client answers with when the user rejects a sampling request.
USER_REJECTED = -1

#: How much of the client's context the LLM may see.
IncludeContext: TypeAlias = Literal["none", "thisServer", "allServers"]


class SamplingOptions(TypedDict, total=False):
    """The keyword options shared by `sample`, `sample_text` and `sample_structured`."""

    system_prompt: str | None
    max_tokens: int
    temperature: float | None
    stop_sequences: Sequence[str] | None
    model_preferences: Mapping[str, Any] | Sequence[str] | None
    include_context: IncludeContext | None
    tools: Sequence[Mapping[str, Any]] | None
    tool_choice: Mapping[str, Any] | None
    metadata: dict[str, Any] | None
    timeout: float | None
    use_fallback: bool
    key: str | None


@dataclass(frozen=True, slots=True)
class _Fallback:
    sampler: Sampler
    on_reject: bool


def use_fallback_sampler(server: Any, sampler: Sampler | None, *, on_reject: bool = False) -> None:
    """Let `server` answer sampling calls itself when the client cannot.

    The registration is kept on the server (`server.toolkit`).

    Args:
        server: The server whose tools call `sample`, `sample_text` or `sample_structured`.
        sampler: The sampler to use (`OfflineSampler`, `BedrockSampler`, your own), or None
            to remove a fallback set earlier.
        on_reject: Also use the fallback when the user rejects the client's request.

    Raises:
        TypeError: `sampler` has no `sample` method.
    """
    state = state_of(server)
    if sampler is None:
        state.fallback_sampler = None
        return
    if not isinstance(sampler, Sampler):
        raise TypeError(f"{type(sampler).__name__} is not a Sampler: it needs an async sample(request) method.")
    state.fallback_sampler = _Fallback(sampler, on_reject)


async def sample(
    ctx: Context,
    prompt: Prompt,
    *,
    system_prompt: str | None = None,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    temperature: float | None = None,
    stop_sequences: Sequence[str] | None = None,
    model_preferences: Mapping[str, Any] | Sequence[str] | None = None,
    include_context: IncludeContext | None = None,
    tools: Sequence[Mapping[str, Any]] | None = None,
    tool_choice: Mapping[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
    # Our own timeout, unlike a caller's fail_after, can name the error and cancel on the wire.
    timeout: float | None = DEFAULT_TIMEOUT,  # noqa: ASYNC109
    use_fallback: bool = True,
    key: str | None = None,
) -> SamplingResult:
    """Ask the client's LLM (or the server's fallback sampler) and return text, model and stop reason.

    Args:
        ctx: The tool's context.
        prompt: A user message as a string, or a list of messages in wire form
            (`{"role": "user", "content": {"type": "text", "text": ...}}`) and
            `(role, text)` pairs.
        system_prompt: Instructions for the model.
        max_tokens: The most tokens the answer may have.
        temperature: Sampling temperature; None leaves it to the client.
        stop_sequences: Strings that end the answer.
        model_preferences: `prefer_models(...)`, preferences in wire form, or a list of hints.
        include_context: "none", "thisServer" or "allServers"; anything but "none" needs
            the client's `sampling.context` capability.
        tools: Tools the LLM may call, in wire form (`{"name", "description",
            "inputSchema"}`); needs the client's `sampling.tools` capability. The calls come
            back in `SamplingResult.tool_uses`.
        tool_choice: How the LLM should use `tools`, in wire form (`{"mode": "auto"}`).
        metadata: Provider-specific data passed through to the client.
        timeout: Seconds to wait for the client; None waits for ever. When it runs out, or
            when the call is cancelled from outside, the request is cancelled on the wire.
        use_fallback: Whether the server's fallback sampler may answer this call.
        key: The request's key on 2026-07-28; by default its order of asking in the tool.
            Ignored on 2025-11-25.

    Returns:
        The answer; `via_fallback` tells whether the fallback sampler produced it.

    Raises:
        InvalidSamplingRequest: The prompt or an option is invalid; nothing was sent.
        SamplingUnsupported: The client lacks `sampling` (and there is no fallback), or
            lacks `sampling.context` / `sampling.tools` for the options given.
        SamplingRejected: The user rejected the request (and no fallback answers rejections).
        SamplingTimeout: The client did not answer within `timeout`; the request was cancelled.
        NonTextSamplingContent: The LLM answered with an image, audio or nothing usable.
        SamplingRequestFailed: The client answered with another error or a malformed result.
        SamplerFailed: The fallback sampler failed.
    """
    request = SamplingRequest.build(
        prompt,
        max_tokens=max_tokens,
        system_prompt=system_prompt,
        temperature=temperature,
        stop_sequences=stop_sequences,
        model_preferences=model_preferences,
    )
    wants_context = _check_include_context(include_context)
    _check_timeout(timeout)
    wants_tools = tools is not None or tool_choice is not None
    fallback: _Fallback | None = call_state(ctx).fallback_sampler if use_fallback else None
    if not client_features(ctx).sampling:
        return await _without_client_sampling(fallback, request, wants_tools)
    require_sampling(ctx, context=wants_context, tools=wants_tools)
    call = _ClientCall(
        include_context,
        [_tool(index, tool) for index, tool in enumerate(tools)] if tools is not None else None,
        _tool_choice(tool_choice),
        metadata,
        timeout,
        key,
    )
    try:
        return await call.run(ctx, request)
    except SamplingRejected:
        if fallback is None or not fallback.on_reject:
            raise
        return await _from_fallback(fallback.sampler, request)


async def sample_text(ctx: Context, prompt: Prompt, **options: Unpack[SamplingOptions]) -> str:
    """Ask the client's LLM (or the fallback sampler) for text and return just the text.

    Takes the same options as `sample`, and raises the same errors; an answer without
    any text (for example only tool calls) raises `NonTextSamplingContent`.

    Example:
        ```python
        @server.tool()
        async def haiku(topic: str, ctx: Context) -> str:
            return await toolkit.sample_text(ctx, f"A haiku about {topic}", max_tokens=60)
        ```
    """
    result = await sample(ctx, prompt, **options)
    if not result.text and result.tool_uses:
        raise NonTextSamplingContent("tool_use")
    return result.text


@dataclass(frozen=True, slots=True)
class _ClientCall:
    """One `sampling/createMessage` round trip: send, wait, cancel on timeout, map errors."""

    include_context: IncludeContext | None
    tools: list[dict[str, Any]] | None
    tool_choice: dict[str, Any] | None
    metadata: dict[str, Any] | None
    timeout: float | None
    key: str | None = None

    async def run(self, ctx: Context, request: SamplingRequest) -> SamplingResult:
        params = self._params(request)
        try:
            reply = await ask_client(
                ctx,
                "sampling/createMessage",
                params,
                seconds=self.timeout,
                timeout_reason=TIMEOUT_REASON,
                key=self.key,
            )
        except ValueError as exc:
            raise InvalidSamplingRequest(f"The sampling request cannot be sent: {exc}.") from exc
        except ClientRequestTimeout as exc:
            raise SamplingTimeout(self.timeout or 0.0) from exc
        except ClientRequestError as exc:
            raise _client_error(exc) from exc
        return _to_result(reply, with_tools=self.tools is not None)

    def _params(self, request: SamplingRequest) -> dict[str, Any]:
        messages = [dict(message) for message in request.messages]
        problem = tool_conversation_problem(messages)
        if problem is not None:
            raise InvalidSamplingRequest(f"The messages are not a valid tool conversation: {problem}.")
        params: dict[str, Any] = {
            "messages": messages,
            "maxTokens": request.max_tokens,
            "systemPrompt": request.system_prompt,
            "includeContext": self.include_context,
            "temperature": request.temperature,
            "stopSequences": list(request.stop_sequences) or None,
            "metadata": self.metadata,
            "modelPreferences": request.model_preferences,
            "tools": self.tools,
            "toolChoice": self.tool_choice,
        }
        return {key: value for key, value in params.items() if value is not None}


def tool_conversation_problem(messages: Sequence[Mapping[str, Any]]) -> str | None:
    """What is wrong with the tool calls and results at the end of a conversation, or None.

    The last message may answer tool calls only if it holds nothing but `tool_result` blocks,
    follows a message with `tool_use` blocks, and answers each of their ids exactly.
    """
    if not messages:
        return None
    last = content_blocks(messages[-1])
    previous = content_blocks(messages[-2]) if len(messages) > 1 else []
    used = {block.get("id") for block in previous if block.get("type") == "tool_use"}
    answered = [block.get("toolUseId") for block in last if block.get("type") == "tool_result"]
    if not answered:
        return "the message after tool calls must answer them with tool_result blocks" if used else None
    if len(answered) != len(last):
        return "a message with tool_result blocks must hold nothing else"
    if not used:
        return "tool_result blocks must follow a message with tool_use blocks"
    if set(answered) != used:
        return "the tool_result ids must match the tool_use ids of the message before"
    return None


def _tool(index: int, tool: object) -> dict[str, Any]:
    try:
        wire = to_wire(tool)
    except TypeError:
        wire = {}
    if not isinstance(wire.get("name"), str) or not isinstance(wire.get("inputSchema"), Mapping):
        raise InvalidSamplingRequest(
            f"Tool {index} is not a tool: give each a 'name' and an 'inputSchema' object, "
            "e.g. {'name': 'lookup', 'inputSchema': {'type': 'object'}}."
        )
    return wire


def _tool_choice(choice: object) -> dict[str, Any] | None:
    if choice is None:
        return None
    try:
        return to_wire(choice)
    except TypeError:
        raise InvalidSamplingRequest(
            f"tool_choice must be an object such as {{'mode': 'auto'}}, got {choice!r}."
        ) from None


async def _without_client_sampling(
    fallback: _Fallback | None, request: SamplingRequest, wants_tools: bool
) -> SamplingResult:
    if fallback is None:
        raise SamplingUnsupported(
            "sampling",
            "The client did not declare the 'sampling' capability, so it cannot run an LLM for this server. "
            "Connect with a client that supports sampling, or give the server a fallback with "
            "toolkit.use_fallback_sampler().",
        )
    if wants_tools:
        raise SamplingUnsupported(
            "sampling",
            "The client did not declare 'sampling', and the fallback sampler cannot offer tools. "
            "Drop tools or connect with a client that supports sampling with tools.",
        )
    return await _from_fallback(fallback.sampler, request)


async def _from_fallback(sampler: Sampler, request: SamplingRequest) -> SamplingResult:
    try:
        result = await sampler.sample(request)
    except SamplingError:
        raise
    except Exception as exc:
        raise SamplerFailed(f"The fallback sampler {type(sampler).__name__} failed: {exc!r}.") from exc
    if not isinstance(result, SamplingResult):
        raise SamplerFailed(
            f"The fallback sampler {type(sampler).__name__} returned {type(result).__name__}, not a SamplingResult."
        )
    return replace(result, via_fallback=True)


def _to_result(reply: Mapping[str, Any], *, with_tools: bool) -> SamplingResult:
    model = reply.get("model")
    if not isinstance(model, str):
        raise SamplingRequestFailed(None, "model: the result names no model")
    blocks = content_blocks(reply) if isinstance(reply.get("content"), Mapping | list) else None
    if blocks is None or (not with_tools and not isinstance(reply.get("content"), Mapping)):
        raise SamplingRequestFailed(None, "content: the result holds no content block")
    texts = [block.get("text") for block in blocks if block.get("type") == "text"]
    tool_uses = tuple(block for block in blocks if block.get("type") == "tool_use")
    if not texts and not tool_uses:
        raise NonTextSamplingContent(str(blocks[0].get("type")) if blocks else "empty")
    if not all(isinstance(text, str) for text in texts):
        raise SamplingRequestFailed(None, "content.text: a text block holds no text")
    return SamplingResult(
        text="".join(texts), model=model, stop_reason=reply.get("stopReason"), tool_uses=tool_uses
    )


def _client_error(exc: ClientRequestError) -> SamplingError:
    if exc.code == USER_REJECTED:
        return SamplingRejected(exc.message)
    return SamplingRequestFailed(exc.code, exc.message)


def _check_include_context(include_context: object) -> bool:
    if include_context is not None and include_context not in get_args(IncludeContext):
        raise InvalidSamplingRequest(
            f"include_context must be one of {', '.join(get_args(IncludeContext))}, got {include_context!r}."
        )
    return include_context not in (None, "none")


def _check_timeout(timeout: object) -> None:
    if timeout is None:
        return
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0:
        raise InvalidSamplingRequest(f"timeout must be a positive number of seconds or None, got {timeout!r}.")
