"""`python -m demo_client`: try an MCP server from the terminal.

    python -m demo_client tools URL
    python -m demo_client call URL TOOL --args '{"text": "hi"}' [--answers answers.json]
    python -m demo_client exercise URL
    python -m demo_client negotiate URL [--tools a,b] [--answers FILE] [--json]
    python -m demo_client conformance URL     # what the official conformance suite runs
    python -m demo_client agent URL "what the agent should do" [--offline]

Every command that connects takes `--protocol auto|2026-07-28|2025-11-25` (default
2025-11-25; `negotiate` defaults to every revision the server speaks). URL may also be an
AgentCore agent runtime ARN; requests are then SigV4-signed unless `--bearer` is given.
`call` asks elicitations in the terminal when one is attached and uses `--answers` (or
declines) otherwise. Exit codes: 0 success, 1 the tool reported an
error, 2 the client could not do what was asked, 130 interrupted.

Ctrl-C cancels the request in flight on the server, closes the session and exits with 130; a
second Ctrl-C after the cancellation was sent exits at once, without waiting for the close.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager, suppress
from contextvars import ContextVar
from types import FrameType
from typing import Any

import anyio
import httpx
from rich.console import Console
from rich.text import Text

from toolkit import MissingExtra
from toolkit.optional import import_extra

from ._sdk import AUTO, LEGACY_REVISION, MODERN_REVISION
from .client.agentcore import DEFAULT_KEEPALIVE, AgentRuntimeArn, BearerAuth, SigV4Auth, invoke_url
from .client.capabilities import Capabilities
from .client.connection import DEFAULT_MAX_ROUNDS, PROTOCOLS, Client, connect
from .client.exception_groups import unwrapped
from .client.protocol import LOG_LEVELS, ToolResult
from .errors import ClientError, ConfigurationError
from .handlers.answers import ScriptedAnswers, accept_defaults, decline_all
from .handlers.requests import ElicitationHandler
from .handlers.samplers import BedrockSampler, OfflineSampler, RejectSampling
from .lab.cli import add_negotiate_command, run_negotiate
from .lab.conformance import run_conformance, scenario_from_environment
from .lab.exercise import exercise
from .ui.display import Display
from .ui.terminal_form import TerminalForm

__all__ = ["build_parser", "main"]

EXIT_OK, EXIT_TOOL_ERROR, EXIT_CLIENT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130
ALL_CAPABILITIES = "elicitation,sampling,roots"
INTERRUPTED = "interrupted; any request in flight was cancelled on the server"

Command = Callable[[argparse.Namespace, Console], Awaitable[int]]
# Set by `_session` once the requests of an interrupted command have told the server they are
# cancelled; from then on only closing the session is left, which a second Ctrl-C may skip.
_cancellation_sent: ContextVar[anyio.Event | None] = ContextVar("cancellation_sent", default=None)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for `python -m demo_client`."""
    # The docstring's Markdown backticks would show as-is in --help.
    description = __doc__.split("\n\n")[0].replace("`", "")
    parser = argparse.ArgumentParser(prog="python -m demo_client", description=description)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    target = _target_options()
    common = _session_options(target)
    commands.add_parser("tools", parents=[common], help="list the server's tools")
    call = commands.add_parser("call", parents=[common], help="call one tool")
    call.add_argument("tool", help="the tool's name")
    call.add_argument("--args", default="{}", help="the arguments as a JSON object (default {})")
    call.add_argument("--answers", help="JSON file of elicitation answers, used in order")
    commands.add_parser(
        "exercise", parents=[common], help="call every tool with arguments from its schema, accepting defaults"
    )
    conformance = commands.add_parser(
        "conformance",
        parents=[target],
        help="what the official conformance suite runs in client mode (reads MCP_CONFORMANCE_SCENARIO, "
        "MCP_CONFORMANCE_PROTOCOL_VERSION and MCP_CONFORMANCE_CONTEXT)",
    )
    conformance.set_defaults(protocol=None)
    add_negotiate_command(commands, target)
    agent = commands.add_parser("agent", parents=[target], help="ask a Strands agent that uses the server's tools")
    agent.add_argument("prompt", help="what to ask the agent")
    agent.add_argument("--offline", action="store_true", help="use the offline stand-in model instead of Bedrock")
    agent.add_argument("--model-id", help="Bedrock model id for the agent (default: strands' default model)")
    agent.add_argument("--answers", help="JSON file of elicitation answers, used in order")
    return parser


def _target_options() -> argparse.ArgumentParser:
    target = argparse.ArgumentParser(add_help=False)
    target.add_argument("target", metavar="URL", help="the MCP endpoint, or an AgentCore agent runtime ARN")
    target.add_argument("--header", action="append", default=[], help="extra HTTP header 'Name: value' (repeatable)")
    target.add_argument("--bearer", help="bearer token for Authorization (AgentCore JWT authorizer)")
    target.add_argument("--sigv4", action="store_true", help="SigV4-sign requests (default for an ARN target)")
    target.add_argument("--region", help="AWS region for SigV4 (default: the ARN's, else the AWS configuration)")
    target.add_argument("--qualifier", default="DEFAULT", help="AgentCore runtime endpoint (default DEFAULT)")
    return target


def _session_options(target: argparse.ArgumentParser) -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False, parents=[target])
    common.add_argument(
        "--capabilities",
        default=ALL_CAPABILITIES,
        help="what to declare, comma separated: elicitation, elicitation.form, elicitation.url, sampling, "
        f"sampling.context, sampling.tools, roots, roots.static, none (default {ALL_CAPABILITIES})",
    )
    common.add_argument(
        "--sampler",
        choices=("offline", "bedrock", "reject"),
        default="offline",
        help="how to answer the server's sampling requests: offline (an extractive summary, no network), "
        "bedrock (Amazon Bedrock, see --model-id) or reject (refuse, as a user would) (default offline)",
    )
    common.add_argument("--model-id", help="Bedrock model id for --sampler bedrock (default BEDROCK_MODEL_ID)")
    common.add_argument(
        "--protocol",
        choices=PROTOCOLS,
        default=LEGACY_REVISION,
        help=f"protocol revision: {LEGACY_REVISION} (sessions), {MODERN_REVISION} (no session; questions come "
        f"back as input requests, needs mcp 2.x) or {AUTO} (server/discover, else {LEGACY_REVISION}) "
        f"(default {LEGACY_REVISION})",
    )
    common.add_argument(
        "--max-rounds",
        type=int,
        default=DEFAULT_MAX_ROUNDS,
        help=f"on {MODERN_REVISION}: input rounds one call may take before giving up (default {DEFAULT_MAX_ROUNDS})",
    )
    common.add_argument("--timeout", type=float, help="seconds per request before it is cancelled")
    common.add_argument("--keepalive", type=float, help="seconds between keepalive pings")
    common.add_argument("--log-level", choices=LOG_LEVELS, help="ask the server to log at this level and above")
    common.add_argument("--open-browser", action="store_true", help="open URL-mode elicitation links")
    return common


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    options = build_parser().parse_args(argv)
    # No hard wrapping: output lines stay whole for people who copy them and scripts that grep them.
    console = Console(soft_wrap=True, emoji=False)
    errors = Console(stderr=True, soft_wrap=True, emoji=False)
    try:
        if options.command == "agent":
            return _agent(options, console)
        return anyio.run(_interruptible, _COMMANDS[options.command], options, console, errors)
    except (ClientError, MissingExtra) as exc:
        errors.print(Text.assemble(("error: ", "red"), str(exc)))
        return EXIT_CLIENT_ERROR
    except KeyboardInterrupt:
        # Ctrl-C outside `_interruptible`'s watch: the agent, start-up, other platforms.
        errors.print(f"[yellow]{INTERRUPTED}[/yellow]")
        return EXIT_INTERRUPTED


async def _interruptible(command: Command, options: argparse.Namespace, console: Console, errors: Console) -> int:
    """Run `command` so that Ctrl-C cancels it cleanly and exits with 130.

    Signals are taken by the event loop rather than raised as `KeyboardInterrupt` wherever
    the main thread happens to be. The first SIGINT cancels the command, so its request is
    cancelled on the wire and the session closes; a later one, once the cancellation has been
    sent, exits at once; after the message, SIGINT exits quietly for the rest of the process.
    """
    if os.name != "posix" or threading.current_thread() is not threading.main_thread():
        return await command(options, console)
    work = anyio.CancelScope()
    sent = anyio.Event()
    interrupted = False

    async def watch(signals: AsyncIterator[signal.Signals]) -> None:
        nonlocal interrupted
        async for _ in signals:
            if not interrupted:
                interrupted = True
                work.cancel()
                # Presses that come before the cancellation reached the server wait for it.
                await sent.wait()
            else:
                _exit_now(console, errors)

    token = _cancellation_sent.set(sent)
    try:
        with anyio.open_signal_receiver(signal.SIGINT) as signals:
            async with unwrapped(), anyio.create_task_group() as group:
                group.start_soon(watch, signals)
                try:
                    with work:
                        code = await command(options, console)
                except ClientError:
                    # A failure caused by the interruption is reported as the interruption.
                    if not interrupted:
                        raise
                finally:
                    group.cancel_scope.cancel()
            if not interrupted:
                return code
            # Still inside the receiver, so another Ctrl-C cannot cut this message short.
            errors.print(f"[yellow]{INTERRUPTED}[/yellow]")
    finally:
        _cancellation_sent.reset(token)
    # Leaving the receiver gave SIGINT back to `KeyboardInterrupt`; the outcome is decided.
    signal.signal(signal.SIGINT, _exit_interrupted)
    return EXIT_INTERRUPTED


def _exit_now(console: Console, errors: Console) -> None:
    """Leave without closing the session: the person pressed Ctrl-C again."""
    console.show_cursor(True)
    errors.print(f"[yellow]{INTERRUPTED}; exiting without waiting for the session to close[/yellow]")
    sys.stdout.flush()
    sys.stderr.flush()
    # Only a hard exit skips the shielded cleanup still running in the event loop.
    os._exit(EXIT_INTERRUPTED)


def _exit_interrupted(signum: int, frame: FrameType | None) -> None:
    """SIGINT once the outcome is decided: exit at once rather than print a traceback."""
    # The interrupted write may hold a stream's lock, which makes flushing raise here.
    with suppress(OSError, RuntimeError, ValueError):
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(EXIT_INTERRUPTED)


async def _tools(options: argparse.Namespace, console: Console) -> int:
    async with _session(options, Display(console), decline_all) as client:
        for tool in await client.list_tools():
            console.print(Text.assemble((tool.name, "bold"), f"  {tool.description or ''}".rstrip()))
            console.print(Text(f"  {json.dumps(tool.input_schema)}", style="dim"))
    return EXIT_OK


async def _call(options: argparse.Namespace, console: Console) -> int:
    arguments = parse_arguments(options.args)
    display = Display(console, label=options.tool)
    async with _session(options, display, _call_elicitation(options, console, display)) as client:
        try:
            result = await client.call_tool(options.tool, arguments)
        finally:
            display.stop()
    _print_result(console, result)
    return EXIT_TOOL_ERROR if result.is_error else EXIT_OK


async def _exercise(options: argparse.Namespace, console: Console) -> int:
    async with _session(options, Display(console), accept_defaults) as client:
        report = await exercise(client, report=lambda line: console.print(Text(line)))
    console.print(f"Called {len(report.outcomes)} tool(s); {len(report.tool_errors)} answered with an error.")
    return EXIT_OK


def _agent(options: argparse.Namespace, console: Console) -> int:
    # strands is imported only here: it is slow to import, the other commands do not need it,
    # and without the `agent` extra this says which extra to install.
    agent = import_extra(
        f"{__package__}.agent", feature="python -m demo_client agent", extra="agent", packages=("strands",)
    )
    url, auth, _ = _endpoint(options)
    display = Display(console, label="agent")
    elicitation = _call_elicitation(options, console, display)
    model = agent.OfflineToolModel() if options.offline else options.model_id
    with agent.agent_tools(url, elicitation=elicitation, headers=parse_headers(options.header), auth=auth) as tools:
        reply = agent.ask_agent(agent.build_agent(tools, model=model), options.prompt)
    console.print(Text(reply))
    return EXIT_OK


async def _conformance(options: argparse.Namespace, console: Console) -> int:
    url, _, _ = _endpoint(options)
    await run_conformance(url, scenario_from_environment(), report=lambda line: console.print(Text(line)))
    return EXIT_OK


async def _negotiate(options: argparse.Namespace, console: Console) -> int:
    url, auth, _ = _endpoint(options)
    return await run_negotiate(options, console, url=url, headers=parse_headers(options.header), auth=auth)


_COMMANDS: dict[str, Command] = {
    "tools": _tools,
    "call": _call,
    "exercise": _exercise,
    "conformance": _conformance,
    "negotiate": _negotiate,
}


def parse_arguments(raw: str) -> dict[str, Any]:
    """The `--args` JSON object.

    Raises:
        ConfigurationError: It is not JSON, or not an object.
    """
    try:
        arguments = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ConfigurationError(
            f'--args is not valid JSON ({exc.msg}); write an object like \'{{"text": "hi"}}\'.'
        ) from exc
    if not isinstance(arguments, dict):
        raise ConfigurationError('--args must be a JSON object of argument names to values, like \'{"text": "hi"}\'.')
    return arguments


def parse_headers(raw: Sequence[str]) -> dict[str, str]:
    """`--header 'Name: value'` options as a dict.

    Raises:
        ConfigurationError: A header has no colon or no name.
    """
    headers: dict[str, str] = {}
    for item in raw:
        name, colon, value = item.partition(":")
        if not colon or not name.strip():
            raise ConfigurationError(f"--header {item!r} is not 'Name: value'.")
        headers[name.strip()] = value.strip()
    return headers


@asynccontextmanager
async def _session(
    options: argparse.Namespace, display: Display, elicitation: ElicitationHandler
) -> AsyncIterator[Client]:
    url, auth, keepalive = _endpoint(options)
    form = elicitation if isinstance(elicitation, TerminalForm) else None
    async with connect(
        url,
        headers=parse_headers(options.header),
        auth=auth,
        elicitation=elicitation,
        sampling=_sampler(options),
        capabilities=Capabilities.parse(options.capabilities),
        on_progress=display.progress,
        on_log=display.log,
        on_elicitation_complete=form.elicitation_complete if form is not None else None,
        request_timeout=options.timeout,
        keepalive=options.keepalive if options.keepalive is not None else keepalive,
        protocol=options.protocol,
        max_rounds=options.max_rounds,
    ) as client:
        if options.log_level is not None:
            await client.set_log_level(options.log_level)
        try:
            yield client
        except anyio.get_cancelled_exc_class():
            # The request that was cancelled sent `notifications/cancelled` before its
            # cancellation got here; only closing the session is left.
            sent = _cancellation_sent.get()
            if sent is not None:
                sent.set()
            raise


def _endpoint(options: argparse.Namespace) -> tuple[str, httpx.Auth | None, float | None]:
    """URL, auth and default keepalive: an ARN target means AgentCore Runtime."""
    target: str = options.target
    if target.startswith("arn:"):
        region = AgentRuntimeArn.parse(target).region
        url, keepalive = invoke_url(target, options.region, qualifier=options.qualifier), DEFAULT_KEEPALIVE
    else:
        region, url, keepalive = options.region, target, None
    if options.bearer:
        return url, BearerAuth(options.bearer), keepalive
    if options.sigv4 or target.startswith("arn:"):
        region = region or _configured_region()
        if region is None:
            raise ConfigurationError("--sigv4 needs a region: pass --region or set AWS_REGION.")
        return url, SigV4Auth(region), keepalive
    return url, None, keepalive


def _configured_region() -> str | None:
    import boto3

    return boto3.Session().region_name


def _sampler(options: argparse.Namespace) -> Any:
    if options.sampler == "bedrock":
        return BedrockSampler(options.model_id, region=options.region)
    if options.sampler == "reject":
        return RejectSampling()
    return OfflineSampler()


def _call_elicitation(options: argparse.Namespace, console: Console, display: Display) -> ElicitationHandler:
    if options.answers:
        return ScriptedAnswers.from_file(options.answers)
    if sys.stdin.isatty():
        return TerminalForm(console, open_browser=getattr(options, "open_browser", False), pause=display.paused)
    return decline_all


def _print_result(console: Console, result: ToolResult) -> None:
    if result.is_error:
        console.print("[red]The tool reported an error:[/red]")
    for block in result.content:
        kind = block.get("type")
        console.print(Text(block["text"]) if kind == "text" else Text(f"<{kind} content>", style="dim"))
    if result.structured_content is not None and not result.content:
        console.print_json(data=result.structured_content)


def run() -> None:
    """Entry point for `python -m demo_client`."""
    code = main()
    # The outcome is decided; a Ctrl-C during the interpreter's shutdown would only print a
    # traceback from wherever it lands.
    signal.signal(signal.SIGINT, _exit_interrupted)
    sys.exit(code)


if __name__ == "__main__":
    run()
