"""Ask the client's LLM for text from inside a tool: `sample_text`, `sample`, `sample_structured`.

Every call checks the client's declared capabilities before it sends anything, waits a
bounded time (and cancels the request on the wire when that runs out), and turns each way
of failing into its own `SamplingError`. A server can register a fallback `Sampler` with
`use_fallback_sampler`; it answers when the client cannot sample and, if asked, when the
user rejects the request.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TypedDict, Unpack, get_args

from mcp.server.validation import validate_tool_use_result_messages
from mcp.shared.exceptions import McpError
from mcp.types import (
    CreateMessageRequest,
    CreateMessageRequestParams,
    CreateMessageResult,
    CreateMessageResultWithTools,
    IncludeContext,
    ModelPreferences,
    TextContent,
    Tool,
    ToolChoice,
    ToolUseContent,
)
from pydantic import ValidationError

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
from ..server.client_requests import send_client_request
from .samplers import Prompt, Sampler, SamplingRequest, SamplingResult

if TYPE_CHECKING:
    from mcp.server.fastmcp import Context, FastMCP

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


class SamplingOptions(TypedDict, total=False):
    """The keyword options shared by `sample`, `sample_text` and `sample_structured`."""

    system_prompt: str | None
    max_tokens: int
    temperature: float | None
    stop_sequences: Sequence[str] | None
    model_preferences: ModelPreferences | Sequence[str] | None
    include_context: IncludeContext | None
    tools: Sequence[Tool] | None
    tool_choice: ToolChoice | None
    metadata: dict[str, Any] | None
    timeout: float | None
    use_fallback: bool


@dataclass(frozen=True, slots=True)
class _Fallback:
    sampler: Sampler
    on_reject: bool


# Keyed by the server object, so a registration lives exactly as long as its server.
_fallbacks: weakref.WeakKeyDictionary[FastMCP[Any], _Fallback] = weakref.WeakKeyDictionary()


def use_fallback_sampler(server: FastMCP[Any], sampler: Sampler | None, *, on_reject: bool = False) -> None:
    """Let `server` answer sampling calls itself when the client cannot.

    Args:
        server: The server whose tools call `sample`, `sample_text` or `sample_structured`.
        sampler: The sampler to use (`OfflineSampler`, `BedrockSampler`, your own), or None
            to remove a fallback set earlier.
        on_reject: Also use the fallback when the user rejects the client's request.

    Raises:
        TypeError: `sampler` has no `sample` method.
    """
    if sampler is None:
        _fallbacks.pop(server, None)
        return
    if not isinstance(sampler, Sampler):
        raise TypeError(f"{type(sampler).__name__} is not a Sampler: it needs an async sample(request) method.")
    _fallbacks[server] = _Fallback(sampler, on_reject)


async def sample(
    ctx: Context[Any, Any, Any],
    prompt: Prompt,
    *,
    system_prompt: str | None = None,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    temperature: float | None = None,
    stop_sequences: Sequence[str] | None = None,
    model_preferences: ModelPreferences | Sequence[str] | None = None,
    include_context: IncludeContext | None = None,
    tools: Sequence[Tool] | None = None,
    tool_choice: ToolChoice | None = None,
    metadata: dict[str, Any] | None = None,
    # Our own timeout, unlike a caller's fail_after, can name the error and cancel on the wire.
    timeout: float | None = DEFAULT_TIMEOUT,  # noqa: ASYNC109
    use_fallback: bool = True,
) -> SamplingResult:
    """Ask the client's LLM (or the server's fallback sampler) and return text, model and stop reason.

    Args:
        ctx: The tool's context.
        prompt: A user message as a string, or a list of `SamplingMessage`s and
            `(role, text)` pairs.
        system_prompt: Instructions for the model.
        max_tokens: The most tokens the answer may have.
        temperature: Sampling temperature; None leaves it to the client.
        stop_sequences: Strings that end the answer.
        model_preferences: `prefer_models(...)`, a `ModelPreferences`, or a list of hints.
        include_context: "none", "thisServer" or "allServers"; anything but "none" needs
            the client's `sampling.context` capability.
        tools: Tools the LLM may call; needs the client's `sampling.tools` capability.
            The calls come back in `SamplingResult.tool_uses`.
        tool_choice: How the LLM should use `tools`.
        metadata: Provider-specific data passed through to the client.
        timeout: Seconds to wait for the client; None waits for ever. When it runs out, or
            when the call is cancelled from outside, the request is cancelled on the wire.
        use_fallback: Whether the server's fallback sampler may answer this call.

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
    fallback = _fallbacks.get(ctx.fastmcp) if use_fallback else None
    if not client_features(ctx).sampling:
        return await _without_client_sampling(fallback, request, wants_tools)
    require_sampling(ctx, context=wants_context, tools=wants_tools)
    call = _ClientCall(include_context, list(tools) if tools is not None else None, tool_choice, metadata, timeout)
    try:
        return await call.run(ctx, request)
    except SamplingRejected:
        if fallback is None or not fallback.on_reject:
            raise
        return await _from_fallback(fallback.sampler, request)


async def sample_text(ctx: Context[Any, Any, Any], prompt: Prompt, **options: Unpack[SamplingOptions]) -> str:
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
    tools: list[Tool] | None
    tool_choice: ToolChoice | None
    metadata: dict[str, Any] | None
    timeout: float | None

    async def run(self, ctx: Context[Any, Any, Any], request: SamplingRequest) -> SamplingResult:
        result_type = CreateMessageResultWithTools if self.tools is not None else CreateMessageResult
        try:
            reply = await send_client_request(
                ctx, self._request(request), result_type, seconds=self.timeout, timeout_reason=TIMEOUT_REASON
            )
        except TimeoutError as exc:
            raise SamplingTimeout(self.timeout or 0.0) from exc
        except McpError as exc:
            raise _client_error(exc) from exc
        except ValidationError as exc:
            raise SamplingRequestFailed(None, _first_error(exc)) from exc
        return _to_result(reply)

    def _request(self, request: SamplingRequest) -> CreateMessageRequest:
        messages = list(request.messages)
        try:
            validate_tool_use_result_messages(messages)
        except ValueError as exc:
            raise InvalidSamplingRequest(f"The messages are not a valid tool conversation: {exc}.") from exc
        params = CreateMessageRequestParams(
            messages=messages,
            maxTokens=request.max_tokens,
            systemPrompt=request.system_prompt,
            includeContext=self.include_context,
            temperature=request.temperature,
            stopSequences=list(request.stop_sequences) or None,
            metadata=self.metadata,
            modelPreferences=request.model_preferences,
            tools=self.tools,
            toolChoice=self.tool_choice,
        )
        return CreateMessageRequest(params=params)


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


def _to_result(reply: CreateMessageResult | CreateMessageResultWithTools) -> SamplingResult:
    blocks = reply.content if isinstance(reply.content, list) else [reply.content]
    texts = [block.text for block in blocks if isinstance(block, TextContent)]
    tool_uses = tuple(block for block in blocks if isinstance(block, ToolUseContent))
    if not texts and not tool_uses:
        raise NonTextSamplingContent(blocks[0].type if blocks else "empty")
    return SamplingResult(text="".join(texts), model=reply.model, stop_reason=reply.stopReason, tool_uses=tool_uses)


def _client_error(exc: McpError) -> SamplingError:
    if exc.error.code == USER_REJECTED:
        return SamplingRejected(exc.error.message)
    return SamplingRequestFailed(exc.error.code, exc.error.message)


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


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"]) or "result"
    return f"{where}: {error['msg']}"
