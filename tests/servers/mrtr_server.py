"""A server on the plain mcp 2.x SDK (MCPServer, no toolkit) whose tools ask their questions by
hand: on 2026-07-28 they return an `InputRequiredResult` and read the answers from the retry,
on 2025-11-25 they send the same questions as requests on the call's stream.

mcp 2.x only (MCPServer and `InputRequiredResult` do not exist in 1.x). The reference client's
tests use it for multi round-trip requests in every shape: one question, several in one round,
several rounds with the earlier answers carried in the state, a state to echo exactly, a server
that never stops asking, plus progress, logs, roots, the per-request declaration and side
effects recorded in a ledger (LEDGER_PATH) that survives restarts.

Options and environment:

- `--state plain`: `requestState` is sent as readable JSON (an identity codec, still bound to
  the request and checked on return) instead of sealed with a key, so a test can see it.
- `MCP_REQUEST_STATE_KEYS`: comma-separated keys (32+ characters each) that seal the state, so
  a restarted process opens the state of the one before; without it a fresh key per process.
- `BREAK_ONCE`: comma-separated tool names whose first answer is cut off mid-response (the
  connection closes before the result): `name` for a call without input responses,
  `name+answers` for a retry that carries them; a name given twice cuts off two answers.
"""

from __future__ import annotations

import argparse
import json
import os
import warnings
from pathlib import Path
from typing import Any

import anyio
import mcp_types as types
import uvicorn
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.request_state import InvalidRequestState, RequestStateSecurity
from mcp.shared.exceptions import MCPDeprecationWarning
from mcp.shared.message import ServerMessageMetadata
from mcp_types.version import MODERN_PROTOCOL_VERSIONS

NAME = "mrtr-server"
LEDGER = Path(os.environ["LEDGER_PATH"]) if "LEDGER_PATH" in os.environ else None
ledger: list[str] = []

PERSON = {
    "type": "object",
    "properties": {"name": {"type": "string", "title": "Name"}, "age": {"type": "integer", "default": 30}},
    "required": ["name"],
}
COLOR = {"type": "object", "properties": {"color": {"type": "string"}}, "required": ["color"]}
CONFIRM = {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}
#: A state with what a careless client would re-encode: quotes, backslashes, tabs, non-ASCII.
ODD_STATE = 'ünïcødé "quoted" \\back\\slash\ttab  two  spaces ✓'
RESULTS: dict[str, type[Any]] = {
    "elicitation/create": types.ElicitResult,
    "sampling/createMessage": types.CreateMessageResult,
    "roots/list": types.ListRootsResult,
}


def write(line: str) -> int:
    ledger.append(line)
    if LEDGER is not None:
        with LEDGER.open("a", encoding="utf-8") as file:
            file.write(line + "\n")
    return ledger.count(line)


def form(message: str, schema: dict[str, Any]) -> types.ElicitRequest:
    return types.ElicitRequest(params=types.ElicitRequestFormParams(message=message, requested_schema=schema))


def sampling(text: str) -> types.CreateMessageRequest:
    message = types.SamplingMessage(role="user", content=types.TextContent(type="text", text=text))
    return types.CreateMessageRequest(params=types.CreateMessageRequestParams(messages=[message], max_tokens=60))


def modern(ctx: Context) -> bool:
    return ctx.protocol_version in MODERN_PROTOCOL_VERSIONS


async def gather(
    ctx: Context, questions: dict[str, Any], state: str | None = None
) -> dict[str, Any] | types.InputRequiredResult:
    """The answers to `questions`, by key; on 2026-07-28 the result that asks for those missing.

    On 2025-11-25 each question is a request on the call's stream, one after another.
    """
    if modern(ctx):
        answered = ctx.input_responses or {}
        missing = {key: question for key, question in questions.items() if key not in answered}
        if missing:
            return types.InputRequiredResult(input_requests=missing, request_state=state)
        return {key: answered[key] for key in questions}
    metadata = ServerMessageMetadata(related_request_id=ctx.request_id)
    return {
        key: await ctx.session.send_request(question, RESULTS[question.method], metadata=metadata)
        for key, question in questions.items()
    }


def person(answer: types.ElicitResult) -> str:
    if answer.action != "accept" or answer.content is None:
        return answer.action
    return f"accept:{answer.content['name']}:{answer.content.get('age', 30)}"


def text_of(answer: Any) -> str:
    content = answer.content
    return content.text if isinstance(content, types.TextContent) else str(content)


def make_server(plain_state: bool) -> MCPServer:
    if plain_state:
        security = RequestStateSecurity(codec=PlainCodec(), audience=NAME)
    elif "MCP_REQUEST_STATE_KEYS" in os.environ:
        keys = [key.strip() for key in os.environ["MCP_REQUEST_STATE_KEYS"].split(",") if key.strip()]
        security = RequestStateSecurity(keys=keys, audience=NAME)
    else:
        security = None
    server = MCPServer(NAME, version="1.0.0", request_state_security=security)

    @server.tool()
    async def ask_person(ctx: Context) -> str | types.InputRequiredResult:
        """Ask for a name and an age with one form."""
        answers = await gather(ctx, {"person": form("Who are you?", PERSON)})
        return answers if isinstance(answers, types.InputRequiredResult) else person(answers["person"])

    @server.tool()
    async def everything_at_once(ctx: Context) -> str | types.InputRequiredResult:
        """Ask two forms, the client's LLM and its roots, all in one round."""
        questions = {
            "who": form("Who are you?", PERSON),
            "color": form("Favourite colour?", COLOR),
            "llm": sampling("Summarize: Tides follow the moon."),
            "roots": types.ListRootsRequest(),
        }
        answers = await gather(ctx, questions, state="all-at-once")
        if isinstance(answers, types.InputRequiredResult):
            return answers
        roots = ",".join(str(root.uri) for root in answers["roots"].roots)
        return json.dumps(
            {
                "who": person(answers["who"]),
                "color": (answers["color"].content or {}).get("color"),
                "llm": text_of(answers["llm"]),
                "model": answers["llm"].model,
                "roots": roots,
            }
        )

    @server.tool()
    async def favourite(ctx: Context) -> str | types.InputRequiredResult:
        """Two rounds: a name, then a colour; the name travels in the state between them."""
        write("favourite")
        if not modern(ctx):
            name = (await gather(ctx, {"name": form("Your name?", PERSON)}))["name"]
            color = (await gather(ctx, {"color": form("Favourite colour?", COLOR)}))["color"]
            return f"{name.content['name']} likes {color.content['color']}"
        state = json.loads(ctx.request_state) if ctx.request_state else {"round": 1}
        answered = ctx.input_responses or {}
        if state["round"] == 1:
            if "name" not in answered:
                return types.InputRequiredResult(
                    input_requests={"name": form("Your name?", PERSON)}, request_state=json.dumps(state)
                )
            state = {"round": 2, "name": answered["name"].content["name"]}
        if "color" not in answered:
            return types.InputRequiredResult(
                input_requests={"color": form("Favourite colour?", COLOR)}, request_state=json.dumps(state)
            )
        return f"{state['name']} likes {answered['color'].content['color']}"

    @server.tool()
    async def echo_state(ctx: Context) -> str | types.InputRequiredResult:
        """Hand out an odd `requestState` and say whether it came back unchanged."""
        if not modern(ctx):
            return "2025-11-25 has no requestState"
        if ctx.request_state is None:
            return types.InputRequiredResult(input_requests={"ok": form("Go on?", CONFIRM)}, request_state=ODD_STATE)
        return "state intact" if ctx.request_state == ODD_STATE else f"state changed: {ctx.request_state!r}"

    @server.tool()
    async def state_only(ctx: Context) -> str | types.InputRequiredResult:
        """One round with a state and no question, then done."""
        if modern(ctx) and ctx.request_state is None:
            return types.InputRequiredResult(request_state="waited")
        return f"state {ctx.request_state}"

    @server.tool()
    async def endless(ctx: Context) -> str | types.InputRequiredResult:
        """Never satisfied: asks again whatever the answer."""
        if not modern(ctx):
            return "2025-11-25 asks once"
        rounds = int(ctx.request_state or "0") + 1
        return types.InputRequiredResult(
            input_requests={"again": form(f"Round {rounds}: again?", CONFIRM)}, request_state=str(rounds)
        )

    @server.tool()
    async def visit_url(ctx: Context) -> str | types.InputRequiredResult:
        """Send the user to a URL (URL-mode elicitation)."""
        question = types.ElicitRequest(
            params=types.ElicitRequestURLParams(
                message="Please sign in.", url="https://example.com/sign-in", elicitation_id="sign-in-1"
            )
        )
        answers = await gather(ctx, {"visit": question})
        return answers if isinstance(answers, types.InputRequiredResult) else answers["visit"].action

    @server.tool()
    async def summarize(text: str, ctx: Context) -> str | types.InputRequiredResult:
        """Ask the client's LLM to summarise `text`."""
        answers = await gather(ctx, {"llm": sampling(f"Summarize: {text}")})
        if isinstance(answers, types.InputRequiredResult):
            return answers
        return json.dumps({"model": answers["llm"].model, "text": text_of(answers["llm"])})

    @server.tool()
    async def client_roots(ctx: Context) -> str | types.InputRequiredResult:
        """The roots the client reports, comma separated."""
        answers = await gather(ctx, {"roots": types.ListRootsRequest()})
        if isinstance(answers, types.InputRequiredResult):
            return answers
        return ",".join(str(root.uri) for root in answers["roots"].roots)

    @server.tool()
    async def declared_capabilities(ctx: Context) -> str:
        """The capabilities the client declared for this very request, as JSON."""
        declared = ctx.client_capabilities
        wire = declared.model_dump(by_alias=True, mode="json", exclude_none=True) if declared else None
        return json.dumps({"capabilities": wire, "protocol": ctx.protocol_version})

    @server.tool()
    async def steps(count: int, ctx: Context) -> str:
        """Report `count` progress steps and log each one."""
        for step in range(1, count + 1):
            await ctx.report_progress(step, count, f"step {step} of {count}")
            with warnings.catch_warnings():
                # Logging is deprecated in 2026-07-28 but still delivered; this server uses it on purpose.
                warnings.simplefilter("ignore", MCPDeprecationWarning)
                await ctx.info(f"did step {step}")
        return f"{count} steps"

    @server.tool()
    async def record(tag: str) -> int:
        """Append `tag` to the ledger; return how often it is there now."""
        return write(tag)

    @server.tool()
    async def confirm_and_record(tag: str, ctx: Context) -> str | types.InputRequiredResult:
        """Ask for a confirmation, then append `tag` to the ledger."""
        answers = await gather(ctx, {"ok": form(f"Record {tag}?", CONFIRM)})
        if isinstance(answers, types.InputRequiredResult):
            return answers
        return f"recorded {write(tag)}"

    @server.tool()
    async def hold(tag: str, seconds: float, ctx: Context) -> str:
        """Write `started:tag`, report progress, wait, write `finished:tag` (`cancelled:tag` if cancelled)."""
        write(f"started:{tag}")
        await ctx.report_progress(1, 2, "started")
        try:
            await anyio.sleep(seconds)
        except anyio.get_cancelled_exc_class():
            write(f"cancelled:{tag}")
            raise
        write(f"finished:{tag}")
        return "finished"

    return server


class PlainCodec:
    """`requestState` as readable text: no secrecy, but the SDK still binds it to the request."""

    def seal(self, payload: bytes) -> str:
        return payload.decode("utf-8")

    def unseal(self, token: str) -> bytes:
        try:
            return token.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise InvalidRequestState("not UTF-8") from exc


class BreakOnce:
    """ASGI middleware that cuts off the first answer to chosen calls before their result.

    The tool runs to the end; the client sees the connection close mid-response, as when a
    proxy or the network drops it.
    """

    def __init__(self, app: Any, names: list[str]) -> None:
        self.app = app
        # A name given twice cuts off two answers.
        self.pending = list(names)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not self.pending:
            await self.app(scope, receive, send)
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        replayed = False

        async def replay() -> dict[str, Any]:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        entry = self._entry(body)
        if entry is None:
            await self.app(scope, replay, send)
            return
        self.pending.remove(entry)
        cut = False

        async def cutting(message: dict[str, Any]) -> None:
            nonlocal cut
            if message["type"] == "http.response.body" and (cut or b'"result"' in message.get("body", b"")):
                cut = True
                return
            await send(message)

        await self.app(scope, replay, cutting)

    def _entry(self, body: bytes) -> str | None:
        try:
            request = json.loads(body)
        except ValueError:
            return None
        if not isinstance(request, dict) or request.get("method") != "tools/call":
            return None
        params = request.get("params") or {}
        entry = f"{params.get('name')}+answers" if params.get("inputResponses") else str(params.get("name"))
        return entry if entry in self.pending else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--state", choices=("sealed", "plain"), default="sealed")
    options = parser.parse_args()
    server = make_server(options.state == "plain")
    app: Any = server.streamable_http_app(streamable_http_path="/mcp", host=options.host)
    breaking = [name.strip() for name in os.environ.get("BREAK_ONCE", "").split(",") if name.strip()]
    if breaking:
        app = BreakOnce(app, breaking)
    uvicorn.run(app, host=options.host, port=options.port, log_level="warning")


if __name__ == "__main__":
    main()
