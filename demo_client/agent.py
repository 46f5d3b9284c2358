"""A Strands Agents agent that uses an MCP server's tools through strands' `MCPClient`.

Elicitations from the server's tools are answered by the same handlers as the rest of the
client (`TerminalForm`, `ScriptedAnswers`, `accept_defaults`), wrapped into the SDK callback
strands expects (`demo_client._sdk` makes it for the installed SDK line; strands has its own
layer over mcp 1.x and 2.x). Strands owns the SDK session here, so this path has no 404
recovery, but it runs over the reference client's transport, so dropped streams resume and
the session speaks 2025-11-25 on either line.

The model is Amazon Bedrock by default. `OfflineToolModel` stands in for it without a
network: it calls the tool the prompt names (or the first tool) with arguments built from
the tool's schema, then reports what the tool said.

    with agent_tools(url, elicitation=ScriptedAnswers([...])) as tools:
        agent = build_agent(tools, model=OfflineToolModel())
        print(ask_agent(agent, "Please add an expense"))

`ask_agent` turns the Bedrock model's AWS failures (no credentials, no region, refused
credentials, no network) into one `ConfigurationError` that says what to fix.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncGenerator, AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from functools import partial
from typing import Any, TypeVar

import botocore.exceptions
import httpx
from pydantic import BaseModel
from strands import Agent
from strands.models.model import Model
from strands.tools.mcp import MCPClient
from strands.types.content import Messages
from strands.types.streaming import StreamEvent
from strands.types.tools import ToolSpec

from ._sdk import sdk
from .client.callbacks import ProgressCallback, elicitation_answerer, progress_reporter
from .client.capabilities import Capabilities
from .client.connection import HTTP_TIMEOUT
from .client.transport import streamable_http
from .errors import ConfigurationError
from .handlers.requests import ElicitationHandler
from .handlers.schema_examples import example_arguments, example_value

__all__ = ["DEFAULT_SYSTEM_PROMPT", "OfflineToolModel", "agent_tools", "ask_agent", "build_agent"]

DEFAULT_SYSTEM_PROMPT = (
    "You help the user with the tools of one MCP server. Use a tool when it can answer; "
    "the tool may ask the user follow-up questions itself."
)
_WORD = re.compile(r"[A-Za-z0-9_]+")
T = TypeVar("T", bound=BaseModel)
_OFFLINE = "or run without Bedrock (`--offline`, `OfflineToolModel()`)"
# AWS error codes that mean the credentials themselves were refused.
_REFUSED_CREDENTIALS = {
    "AccessDeniedException",
    "ExpiredTokenException",
    "InvalidSignatureException",
    "UnrecognizedClientException",
}


@contextmanager
def agent_tools(
    url: str,
    *,
    elicitation: ElicitationHandler | None = None,
    headers: Mapping[str, str] | None = None,
    auth: httpx.Auth | None = None,
    on_progress: ProgressCallback | None = None,
    startup_timeout: int = 30,
) -> Iterator[list[Any]]:
    """Connect strands' `MCPClient` to `url` and yield the server's tools for an `Agent`.

    Args:
        url: The streamable HTTP endpoint.
        elicitation: Answers the tools' elicitations; default decline (declares nothing when None).
        headers: Extra HTTP headers.
        auth: An `httpx.Auth` such as `BearerAuth` or `SigV4Auth`.
        on_progress: `(progress, total, message)` during tool calls.
        startup_timeout: Seconds to wait for the connection.
    """
    client = MCPClient(
        partial(_transport, url, dict(headers or {}), auth),
        startup_timeout=startup_timeout,
        elicitation_callback=(
            sdk.elicitation_callback(elicitation_answerer(elicitation, Capabilities()))
            if elicitation is not None
            else None
        ),
        progress_callback=progress_reporter(on_progress) if on_progress is not None else None,
        application_name="demo-client-agent",
    )
    with client:
        yield client.list_tools_sync()


@asynccontextmanager
async def _transport(url: str, headers: dict[str, str], auth: httpx.Auth | None) -> AsyncIterator[Any]:
    """The reference client's transport (resumable streams, clear errors) for strands' session."""
    async with (
        httpx.AsyncClient(headers=headers, auth=auth, timeout=HTTP_TIMEOUT) as http,
        streamable_http(http, url) as streams,
    ):
        yield streams


def build_agent(
    tools: list[Any], *, model: Model | str | None = None, system_prompt: str = DEFAULT_SYSTEM_PROMPT
) -> Agent:
    """An `Agent` over `tools`.

    Args:
        tools: The tools from `agent_tools`.
        model: A strands model, a Bedrock model id, or None for strands' default Bedrock model.
        system_prompt: The agent's instructions.
    """
    return Agent(model=model, tools=tools, system_prompt=system_prompt, callback_handler=None)


def ask_agent(agent: Agent, prompt: str) -> str:
    """Run `agent` once on `prompt` and return the text of its reply.

    Raises:
        ConfigurationError: The Bedrock model could not be called: no AWS credentials or
            region, credentials or model access refused, or AWS unreachable. The message
            says what to fix.
    """
    try:
        return str(agent(prompt)).strip()
    except (botocore.exceptions.NoCredentialsError, botocore.exceptions.PartialCredentialsError) as exc:
        raise ConfigurationError(
            "The agent's model is Amazon Bedrock and no AWS credentials were found; configure them "
            f"(`aws configure`, AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) {_OFFLINE}."
        ) from exc
    except botocore.exceptions.NoRegionError as exc:
        raise ConfigurationError(
            f"No AWS region is configured for the agent's Bedrock model; set AWS_REGION {_OFFLINE}."
        ) from exc
    except botocore.exceptions.ClientError as exc:
        error = exc.response.get("Error", {})
        code = error.get("Code", "Unknown")
        if code not in _REFUSED_CREDENTIALS:
            raise
        raise ConfigurationError(
            f"Bedrock refused the agent's request ({code}: {error.get('Message', '')}); check the AWS "
            f"credentials, the region and the model access of the account {_OFFLINE}."
        ) from exc
    except botocore.exceptions.BotoCoreError as exc:
        raise ConfigurationError(
            f"The agent could not call Bedrock ({exc}); check the network and AWS_REGION {_OFFLINE}."
        ) from exc


class OfflineToolModel(Model):
    """A deterministic stand-in for an LLM: one tool call, then a report of its result.

    On the first turn it calls the tool whose name appears in the latest user message (else
    the first tool offered), with arguments from the tool's input schema. When the tool
    result comes back it answers with that result's text and stops.

    Args:
        arguments: Arguments to use instead of schema examples, by tool name.
    """

    def __init__(self, arguments: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self.config: dict[str, Any] = {"model_id": "offline-tool-model"}
        self._arguments = {name: dict(value) for name, value in (arguments or {}).items()}

    def update_config(self, **model_config: Any) -> None:
        """Merge `model_config` into the configuration."""
        self.config.update(model_config)

    def get_config(self) -> dict[str, Any]:
        """The configuration (only a model id)."""
        return self.config

    async def structured_output(
        self, output_model: type[T], prompt: Messages, system_prompt: str | None = None, **kwargs: Any
    ) -> AsyncGenerator[dict[str, T | Any], None]:
        """An instance of `output_model` built from its schema's defaults and examples."""
        schema = output_model.model_json_schema()
        yield {"output": output_model.model_validate(example_value(schema, root=schema))}

    async def stream(
        self,
        messages: Messages,
        tool_specs: list[ToolSpec] | None = None,
        system_prompt: str | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[StreamEvent]:
        """Call a tool on the user's turn; summarise its result on the tool-result turn."""
        result = _latest_tool_result(messages)
        if result is not None:
            async for event in _text_turn(f"The tool answered: {result}"):
                yield event
            return
        spec = _chosen_tool(messages, tool_specs or [])
        if spec is None:
            async for event in _text_turn("This server offers no tools I could use."):
                yield event
            return
        arguments = self._arguments.get(spec["name"]) or example_arguments(spec["inputSchema"]["json"])
        async for event in _tool_turn(spec["name"], arguments, len(messages)):
            yield event


def _latest_tool_result(messages: Messages) -> str | None:
    last = messages[-1] if messages else None
    if last is None or last["role"] != "user":
        return None
    for block in last["content"]:
        if "toolResult" in block:
            parts = block["toolResult"].get("content", [])
            return " ".join(part.get("text", json.dumps(part.get("json"))) for part in parts)
    return None


def _chosen_tool(messages: Messages, specs: list[ToolSpec]) -> ToolSpec | None:
    if not specs:
        return None
    words = {
        word.lower() for block in messages[-1]["content"] if "text" in block for word in _WORD.findall(block["text"])
    }
    named = [spec for spec in specs if spec["name"].lower() in words]
    return (named or specs)[0]


async def _text_turn(text: str) -> AsyncIterator[StreamEvent]:
    yield {"messageStart": {"role": "assistant"}}
    yield {"contentBlockStart": {"start": {}}}
    yield {"contentBlockDelta": {"delta": {"text": text}}}
    yield {"contentBlockStop": {}}
    yield {"messageStop": {"stopReason": "end_turn"}}


async def _tool_turn(name: str, arguments: dict[str, Any], turn: int) -> AsyncIterator[StreamEvent]:
    yield {"messageStart": {"role": "assistant"}}
    yield {"contentBlockStart": {"start": {"toolUse": {"toolUseId": f"offline-{turn}", "name": name}}}}
    yield {"contentBlockDelta": {"delta": {"toolUse": {"input": json.dumps(arguments)}}}}
    yield {"contentBlockStop": {}}
    yield {"messageStop": {"stopReason": "tool_use"}}
