"""`connect()`: an MCP client that survives expired sessions and speaks both protocol revisions.

`protocol` chooses the revision: `2025-11-25` (sessions, the default), `2026-07-28`
(`server/discover`, no session, multi round-trip requests) or `auto` (discover, falling back
to `initialize` for a server that only speaks 2025-11-25). What follows is about 2025-11-25;
on 2026-07-28 there is no session to expire, and the transport follows that revision's rules
for a broken response stream (see `transport`).

A `Client` owns one live SDK session at a time. When the server answers HTTP 404 for a
request that carried the session id, the server did not run it, so the client retires the
dead session, runs a fresh `initialize` without an id, counts it in `reinitializations`, and
sends that request once more. A 404 on the background GET stream starts the new session the
same way. A connection that breaks while a request is in flight is *not* retried, because
the server may have run it: the caller gets `ConnectionLost`.

Each session runs in its own task, which owns the transport and the SDK session; retiring it
closes both in the task that opened them, and DELETEs the session unless the server already
forgot it. Keepalive pings and background recovery run in a task group the client closes.

The recovery is this client's own: neither SDK line re-initializes after a 404. The SDK
session comes from `demo_client._sdk`, for whichever line is installed, and is spoken to in
wire form.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeAlias, TypeVar

import anyio
import httpx
from anyio.abc import TaskGroup, TaskStatus

from .._sdk import (
    AUTO,
    CONNECTION_CLOSED,
    LEGACY_REVISION,
    MODERN_REVISION,
    NotModern,
    ProtocolError,
    RequestNotSent,
    RoundsExceeded,
    Session,
    UnsupportedProtocol,
    Wire,
    sdk,
)
from ..errors import (
    ClientClosed,
    ClientError,
    ConfigurationError,
    ConnectionLost,
    InputRoundsExceeded,
    RequestFailed,
    RequestTimeout,
    SessionExpired,
)
from ..handlers.answers import decline_all
from ..handlers.requests import ElicitationHandler
from ..handlers.samplers import as_sampling_handler
from .callbacks import (
    LogCallback,
    ProgressCallback,
    Root,
    SessionCallbacks,
    call_maybe_async,
    progress_reporter,
    to_roots,
)
from .capabilities import Capabilities
from .exception_groups import unwrapped
from .protocol import Implementation, LoggingLevel, Tool, ToolResult
from .transport import NotSent, ReconnectPolicy, SafeToRetry, StreamableHTTPTransport, streamable_http

__all__ = ["CLIENT_INFO", "DEFAULT_MAX_ROUNDS", "PROTOCOLS", "Client", "connect"]

logger = logging.getLogger(__name__)

T = TypeVar("T")
#: One request on a session, e.g. `lambda session: session.ping()`.
Operation: TypeAlias = Callable[[Session], Awaitable[T]]

CLIENT_INFO = Implementation(name="demo-client", version="0.1.0")
#: httpx timeouts: 30 s to connect or send, 5 min without a byte on an open stream.
HTTP_TIMEOUT = httpx.Timeout(30.0, read=300.0)
INITIALIZE_TIMEOUT = 30.0
#: How long retiring a session waits for POSTs that have not had their HTTP status yet.
SETTLE_TIMEOUT = 5.0
#: The values `connect(protocol=...)` and `--protocol` take.
PROTOCOLS = (AUTO, MODERN_REVISION, LEGACY_REVISION)
#: How many `input_required` rounds one request may take on 2026-07-28 before the client gives up.
DEFAULT_MAX_ROUNDS = 10


@dataclass(frozen=True, slots=True)
class _Options:
    url: str
    callbacks: SessionCallbacks
    on_progress: ProgressCallback | None
    on_session: Callable[[str | None], Any] | None
    on_server_request: Callable[[Wire], Any] | None
    request_timeout: float | None
    reconnect: ReconnectPolicy
    protocol: str
    max_rounds: int


@dataclass(eq=False)
class _Live:
    """One MCP session and the task that owns it."""

    stop: anyio.Event = field(default_factory=anyio.Event)
    stopped: anyio.Event = field(default_factory=anyio.Event)
    session: Session | None = None
    transport: StreamableHTTPTransport | None = None
    init: Wire | None = None

    @property
    def expired(self) -> bool:
        return self.transport is not None and self.transport.expired


class Client:
    """A connected MCP client; get one from `connect()`.

    Attributes:
        url: The MCP endpoint.
        capabilities: What the client declares (on `initialize`, or on every 2026-07-28 request).
        protocol: The revision asked for: `auto`, `2026-07-28` or `2025-11-25`.
        reinitializations: How many times a new session replaced an expired one.
    """

    def __init__(self, options: _Options, http: httpx.AsyncClient) -> None:
        self.url = options.url
        self.capabilities = options.callbacks.capabilities
        self.protocol = options.protocol
        self.reinitializations = 0
        # What the first agreement settled; later sessions (after a 404) ask for it directly.
        self._settled_protocol = options.protocol if sdk.MODERN_VERSIONS else LEGACY_REVISION
        self._options = options
        self._http = http
        self._live: _Live | None = None
        self._lock = anyio.Lock()
        self._closed = False
        self._closing = anyio.Event()
        self._background: TaskGroup | None = None
        # Keepalive stops before the session is deleted, so no ping races the DELETE.
        self._pings = anyio.CancelScope()
        self._background_recoveries = 0

    # -- what the server told us ------------------------------------------------------------

    @property
    def session_id(self) -> str | None:
        """The `Mcp-Session-Id` in use, or None before a session exists (or for stateless servers)."""
        live = self._live
        return live.transport.session_id if live is not None and live.transport is not None else None

    @property
    def _init(self) -> Wire:
        live = self._live
        return live.init if live is not None and live.init is not None else {}

    @property
    def server_info(self) -> Implementation | None:
        """The server's name and version from the latest `initialize` (or `server/discover`)."""
        info = self._init.get("serverInfo")
        return Implementation.from_wire(info) if info is not None else None

    @property
    def server_capabilities(self) -> dict[str, Any] | None:
        """The capabilities the server declared on the latest `initialize` (or `server/discover`), in wire form."""
        return self._init.get("capabilities")

    @property
    def protocol_version(self) -> str | None:
        """The revision in use: `2025-11-25` (or an older one the server chose) or `2026-07-28`."""
        return self._init.get("protocolVersion")

    # -- requests ---------------------------------------------------------------------------

    async def call_tool(
        self,
        name: str,
        arguments: Mapping[str, Any] | None = None,
        *,
        request_timeout: float | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> ToolResult:
        """Call a tool and return its `ToolResult` (check `is_error`).

        Args:
            name: The tool's name.
            arguments: The tool's arguments.
            request_timeout: Seconds to wait before cancelling the call on the server; default
                is the client's `request_timeout`.
            on_progress: `(progress, total, message)` for this call; default is the client's.

        Raises:
            RequestTimeout: No answer in time; the call was cancelled on the server.
            ConnectionLost: The connection broke mid-call; the tool may have run.
            ServerUnreachable: The server could not be reached; the tool did not run.
            RequestFailed: The server answered with a JSON-RPC error (on 2026-07-28 also: a
                handler refused one of its input requests).
            InputRoundsExceeded: On 2026-07-28, the server still asked for input after
                `max_rounds` rounds.
        """
        reporter = on_progress or self._options.on_progress
        report = progress_reporter(reporter) if reporter is not None else None
        args = dict(arguments) if arguments is not None else None
        result = await self._request("tools/call", lambda s: s.call_tool(name, args, report), request_timeout)
        return ToolResult.from_wire(result)

    async def list_tools(self, *, request_timeout: float | None = None) -> list[Tool]:
        """Every tool the server offers, across all pages."""
        listed = await self._paginate("tools/list", "tools", lambda s, c: s.list_tools(c), request_timeout)
        return [Tool.from_wire(tool) for tool in listed]

    async def list_prompts(self, *, request_timeout: float | None = None) -> list[dict[str, Any]]:
        """Every prompt the server offers (wire form), across all pages."""
        return await self._paginate("prompts/list", "prompts", lambda s, c: s.list_prompts(c), request_timeout)

    async def get_prompt(self, name: str, arguments: Mapping[str, str] | None = None) -> dict[str, Any]:
        """Render a prompt with `arguments`; the `GetPromptResult` in wire form."""
        args = dict(arguments) if arguments is not None else None
        return await self._request("prompts/get", lambda s: s.get_prompt(name, args), None)

    async def list_resources(self) -> dict[str, Any]:
        """The first page of the server's resources; the `ListResourcesResult` in wire form."""
        return await self._request("resources/list", lambda s: s.list_resources(None), None)

    async def read_resource(self, uri: str) -> dict[str, Any]:
        """Read one resource; the `ReadResourceResult` in wire form."""
        return await self._request("resources/read", lambda s: s.read_resource(uri), None)

    async def ping(self, *, request_timeout: float | None = None) -> None:
        """Check the session is alive (and keep it from idling out); `server/discover` on 2026-07-28."""
        await self._request("ping", lambda s: s.ping(), request_timeout)

    async def set_log_level(self, level: LoggingLevel) -> None:
        """Ask the server to send log messages at `level` and above to `on_log`.

        On 2026-07-28 nothing is sent now: every later request carries the level in its `_meta`.
        """
        await self._request("logging/setLevel", lambda s: s.set_log_level(level), None)

    async def set_roots(self, roots: Sequence[Root]) -> None:
        """Replace the roots the client reports and tell the server they changed.

        Raises:
            ConfigurationError: The client did not declare `roots.listChanged`.
        """
        if not self.capabilities.roots_list_changed:
            raise ConfigurationError("This client did not declare roots.listChanged; connect with roots enabled.")
        self._options.callbacks.roots[:] = to_roots(roots)
        live = await self._current()
        assert live.session is not None
        await live.session.roots_changed()

    async def close(self) -> None:
        """End the session (DELETE) and stop background work. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self._pings.cancel()
        try:
            async with self._lock:
                live, self._live = self._live, None
            if live is not None:
                await _retire(live)
        finally:
            # The background tasks are shielded and wait for this, whatever happened above.
            self._closing.set()

    # -- recovery ---------------------------------------------------------------------------

    async def _request(self, method: str, operation: Operation[T], limit: float | None) -> T:
        live = await self._current()
        try:
            result = await self._attempt(live, method, operation, limit)
        except SafeToRetry:
            logger.info("Session expired during '%s'; starting a new one", method)
            live = await self._replace(live)
            try:
                result = await self._attempt(live, method, operation, limit)
            except SafeToRetry as exc:
                raise SessionExpired(self.url) from exc
        # A request went through, so a later background expiry may be recovered again.
        self._background_recoveries = 0
        return result

    async def _attempt(self, live: _Live, method: str, operation: Operation[T], limit: float | None) -> T:
        assert live.session is not None
        limit = self._options.request_timeout if limit is None else limit
        try:
            if limit is None:
                result = await operation(live.session)
            else:
                with anyio.fail_after(limit):
                    result = await operation(live.session)
        except TimeoutError as exc:
            assert limit is not None
            raise RequestTimeout(method, limit) from exc
        except RequestNotSent as exc:
            raise NotSent() from exc
        except ProtocolError as exc:
            raise _translate(method, exc) from exc
        except RoundsExceeded as exc:
            raise InputRoundsExceeded(method, exc.max_rounds) from exc
        return result

    async def _paginate(
        self, method: str, key: str, page: Callable[[Session, str | None], Awaitable[Wire]], limit: float | None
    ) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            result = await self._request(method, lambda s, c=cursor: page(s, c), limit)
            items.extend(result.get(key) or ())
            cursor = result.get("nextCursor")
            if not cursor:
                return items

    async def _current(self) -> _Live:
        if self._closed:
            raise ClientClosed()
        live = self._live
        if live is None or live.expired:
            return await self._replace(live)
        return live

    async def _replace(self, stale: _Live | None) -> _Live:
        """Swap the expired session for a new one, once, however many callers noticed."""
        async with self._lock:
            if self._closed:
                raise ClientClosed()
            current = self._live
            if current is not None and current is not stale and not current.expired:
                return current
            self._live = None
            if current is not None:
                await _retire(current)
            live = await self._start()
            self.reinitializations += 1
            return live

    def _expired(self, live: _Live) -> None:
        """The GET stream saw a 404: start the replacement now rather than on the next call.

        Only once until a request succeeds, so a server that forgets every session at once
        does not get a new session every few seconds.
        """
        if self._closed or self._background is None:
            return
        if self._background_recoveries >= 1:
            logger.warning("Session expired again; the next request will start a new one")
            return
        self._background_recoveries += 1
        self._background.start_soon(self._recover_quietly, live)

    async def _recover_quietly(self, stale: _Live) -> None:
        try:
            await self._replace(stale)
        except ClientError as exc:
            logger.warning("Could not start a new session after the old one expired: %s", exc)

    # -- session lifecycle ------------------------------------------------------------------

    async def _open(self, task_group: TaskGroup) -> None:
        await task_group.start(self._supervise)
        await self._start()

    async def _supervise(self, *, task_status: TaskStatus[None]) -> None:
        # Shielded: when the caller's scope is cancelled (Ctrl-C, a timeout around `connect`),
        # the cancelled requests still need the transport to send `notifications/cancelled`.
        # The sessions end when `close()` sets `_closing`, which `connect` always does.
        with anyio.CancelScope(shield=True):
            async with anyio.create_task_group() as background:
                self._background = background
                task_status.started()
                await self._closing.wait()
                background.cancel_scope.cancel()

    async def _start(self) -> _Live:
        assert self._background is not None
        live: _Live = await self._background.start(self._run_session)
        self._live = live
        if self._options.on_session is not None:
            await call_maybe_async(self._options.on_session, self.session_id)
        return live

    async def _run_session(self, *, task_status: TaskStatus[_Live]) -> None:
        live = _Live()
        failure: BaseException | None = None
        try:
            async with (
                unwrapped(),
                streamable_http(
                    self._http,
                    self.url,
                    policy=self._options.reconnect,
                    on_expired=partial(self._expired, live),
                    on_server_request=self._options.on_server_request,
                    modern=self._settled_protocol != LEGACY_REVISION,
                ) as (read_stream, write_stream, transport),
                sdk.open_session(
                    read_stream,
                    write_stream,
                    self._options.callbacks.handlers(),
                    known_failure=transport.failure_for,
                    protocol=self._settled_protocol,
                    max_rounds=self._options.max_rounds,
                ) as session,
            ):
                live.transport, live.session = transport, session
                failure = await self._initialize(live)
                if failure is None:
                    task_status.started(live)
                    await live.stop.wait()
                    await transport.settle(SETTLE_TIMEOUT)
        finally:
            live.stopped.set()
        if failure is not None:
            raise failure

    async def _initialize(self, live: _Live) -> ClientError | None:
        """Run `initialize`; return the error instead of raising it, so the task groups close cleanly."""
        method = "initialize" if self._settled_protocol == LEGACY_REVISION else "server/discover"
        try:
            live.init = await self._attempt(live, method, lambda s: s.initialize(), INITIALIZE_TIMEOUT)
        except UnsupportedProtocol as exc:
            return ConfigurationError(
                f"The server speaks protocol {exc.version}; this client supports {', '.join(exc.supported)}."
            )
        except NotModern as exc:
            return ConfigurationError(
                f"The server at {self.url} does not speak protocol {MODERN_REVISION}: {exc.reason}. "
                f"Connect with protocol '{AUTO}' or '{LEGACY_REVISION}' (--protocol)."
            )
        except ClientError as exc:
            return exc
        except SafeToRetry as exc:
            return ConnectionLost(method, str(exc))
        version = live.init.get("protocolVersion")
        self._settled_protocol = MODERN_REVISION if version in sdk.MODERN_VERSIONS else LEGACY_REVISION
        return None

    async def _keepalive(self, interval: float) -> None:
        with self._pings:
            while True:
                await anyio.sleep(interval)
                try:
                    await self.ping(request_timeout=interval)
                except ClientError as exc:
                    logger.warning("Keepalive ping failed: %s", exc)


async def _retire(live: _Live) -> None:
    live.stop.set()
    await live.stopped.wait()


def _translate(method: str, exc: ProtocolError) -> BaseException:
    data = exc.data
    if isinstance(data, ClientError | SafeToRetry):
        return data
    if exc.code == CONNECTION_CLOSED:
        return ConnectionLost(method, "the session closed before the response arrived")
    return RequestFailed(method, exc.code, exc.message, data)


def _check_protocol(protocol: str, max_rounds: int) -> None:
    if protocol not in PROTOCOLS:
        raise ConfigurationError(f"Unknown protocol {protocol!r}; use one of: {', '.join(PROTOCOLS)}.")
    if protocol == MODERN_REVISION and not sdk.MODERN_VERSIONS:
        raise ConfigurationError(
            f"Protocol {MODERN_REVISION} needs mcp 2.x; the installed mcp {sdk.LINE}.x speaks "
            f"{LEGACY_REVISION} only. Use protocol '{LEGACY_REVISION}' or '{AUTO}', or install mcp>=2.1."
        )
    if max_rounds < 1:
        raise ConfigurationError(f"max_rounds must be at least 1, not {max_rounds}.")


def default_elicitation() -> ElicitationHandler:
    """The terminal form when a person is at the keyboard, otherwise decline every request."""
    if not sys.stdin.isatty():
        return decline_all
    from toolkit.optional import import_extra

    # The form needs rich, from the `client` extra; say so rather than fail on a bare import.
    form = import_extra("demo_client.ui.terminal_form", feature="TerminalForm", extra="client", packages=("rich",))
    return form.TerminalForm()


@asynccontextmanager
async def connect(
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    auth: httpx.Auth | None = None,
    elicitation: ElicitationHandler | None = None,
    sampling: Any = None,
    roots: Sequence[Root] | None = None,
    on_progress: ProgressCallback | None = None,
    on_log: LogCallback | None = None,
    capabilities: Capabilities | None = None,
    on_session: Callable[[str | None], Any] | None = None,
    on_elicitation_complete: Callable[[str], Any] | None = None,
    on_server_request: Callable[[dict[str, Any]], Any] | None = None,
    request_timeout: float | None = None,
    keepalive: float | None = None,
    reconnect: ReconnectPolicy | None = None,
    client_info: Implementation = CLIENT_INFO,
    protocol: str = LEGACY_REVISION,
    max_rounds: int = DEFAULT_MAX_ROUNDS,
) -> AsyncIterator[Client]:
    """Connect to the MCP server at `url`, agree on a protocol revision, and yield a `Client`.

    Args:
        url: The streamable HTTP endpoint, e.g. ``http://127.0.0.1:8000/mcp``.
        headers: Extra HTTP headers for every request.
        auth: An `httpx.Auth`, e.g. `BearerAuth` or `SigV4Auth` for AgentCore Runtime.
        elicitation: Answers `elicitation/create`: `ScriptedAnswers`, `TerminalForm`,
            `accept_defaults`, or any function of the request returning a result or dict.
            Default: the terminal form on a terminal, else decline.
        sampling: Answers `sampling/createMessage`: a `toolkit.Sampler`, a sampler from
            `demo_client` (`OfflineSampler()`, the default), or any function of the request's
            params returning the result, both in wire form.
        roots: Paths or `file://` URIs reported by `roots/list`; default the working directory.
        on_progress: `(progress, total, message)`, sync or async, for every tool call.
        on_log: `(level, data)`, sync or async, for the server's log messages.
        capabilities: What to declare; default elicitation (form, URL), sampling, roots.
        on_session: Called with the session id whenever a session starts (also after recovery).
        on_elicitation_complete: Called with the id of a URL-mode elicitation the server
            reports complete.
        on_server_request: Called with every request the server sends (elicitation, sampling,
            roots, ping), in wire form, before it is answered, including requests the client did
            not declare and so refuses; `demo_client.RequestAudit` counts those violations.
        request_timeout: Default seconds per request before it is cancelled on the server;
            None waits forever.
        keepalive: Seconds between pings that keep an idle session alive (AgentCore ends
            sessions idle for 15 minutes); None sends none.
        reconnect: Limits for reopening dropped SSE streams.
        client_info: The `clientInfo` sent on `initialize` (on 2026-07-28, with every request).
        protocol: `"2025-11-25"` (sessions), `"2026-07-28"` (no session; elicitation and
            sampling as multi round-trip requests; needs mcp 2.x) or `"auto"` (`server/discover`,
            falling back to `initialize` for a server that only speaks 2025-11-25).
            `Client.protocol_version` says which one is in use.
        max_rounds: On 2026-07-28, how many `input_required` rounds one request may take
            before `InputRoundsExceeded`.

    Raises:
        ConfigurationError: `protocol` or `max_rounds` is not usable, or the server does not
            speak the revision asked for.
        ServerUnreachable: Nothing listens at `url`.
        HTTPStatusError: The server refused `initialize` (wrong path, auth).
    """
    _check_protocol(protocol, max_rounds)
    callbacks = SessionCallbacks(
        capabilities=capabilities or Capabilities(),
        client_info=client_info.to_wire(),
        elicitation=elicitation if elicitation is not None else default_elicitation(),
        sampling=as_sampling_handler(sampling),
        roots=to_roots(roots if roots is not None else [Path.cwd()]),
        on_log=on_log,
        on_elicitation_complete=on_elicitation_complete,
    )
    options = _Options(
        url=url,
        callbacks=callbacks,
        on_progress=on_progress,
        on_session=on_session,
        on_server_request=on_server_request,
        request_timeout=request_timeout,
        reconnect=reconnect or ReconnectPolicy(),
        protocol=protocol,
        max_rounds=max_rounds,
    )
    async with (
        unwrapped(),
        httpx.AsyncClient(headers=dict(headers or {}), auth=auth, timeout=HTTP_TIMEOUT) as http,
        anyio.create_task_group() as task_group,
    ):
        client = Client(options, http)
        try:
            await client._open(task_group)
            if keepalive is not None:
                assert client._background is not None
                client._background.start_soon(client._keepalive, keepalive)
            yield client
        finally:
            with anyio.CancelScope(shield=True):
                await client.close()
