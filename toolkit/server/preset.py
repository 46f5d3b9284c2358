"""`stateful_server`: the server preset for stateful streamable HTTP on AgentCore Runtime.

Settings resolve in this order: keyword argument, then environment variable, then the
default: port and path of the AgentCore Runtime MCP contract (`:8000/mcp`, 900 s idle
timeout) on the loopback interface. A deployment binds all interfaces explicitly
(`MCP_HOST=0.0.0.0`, as the Dockerfile does), which the Runtime contract needs.

| setting | environment variable | default |
| --- | --- | --- |
| host | `MCP_HOST` | `127.0.0.1` |
| port | `MCP_PORT` | `8000` |
| path | `MCP_PATH` | `/mcp` |
| session_idle_timeout | `MCP_SESSION_IDLE_TIMEOUT` | `900` seconds |
| allowed_hosts | `MCP_ALLOWED_HOSTS` (comma separated) | localhost forms when bound to localhost |
| allowed_origins | `MCP_ALLOWED_ORIGINS` (comma separated) | localhost forms when bound to localhost |
| event_store | `MCP_EVENT_STORE` (`on` / `off`) | on, bounded in memory |
| retry_interval | `MCP_RETRY_INTERVAL_MS` | `1000` ms |
| elicitation_timeout | `MCP_ELICITATION_TIMEOUT` (seconds, or `none`) | `300` seconds |
| default_log_level | `MCP_LOG_LEVEL` | `debug` |
| log_level | `FASTMCP_LOG_LEVEL` | `INFO` |
| request_state_keys | `MCP_REQUEST_STATE_KEYS` (comma separated) | a key made for this process (and a warning) |
| request_state_ttl | `MCP_REQUEST_STATE_TTL` | `600` seconds |

The request-state settings matter on mcp 2.x, which also serves protocol revision 2026-07-28:
there a tool that asks questions answers in rounds, and each round's `requestState` is sealed
(AES-256-GCM) with the first key and opened with any of them. Replicas, and a restarted
process, accept each other's states only when they share the keys.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field, replace
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from typing import Any, Literal, cast

import anyio
import uvicorn
from starlette.applications import Starlette

from .._sdk import LOG_LEVELS, SESSIONLESS_REVISION, LoggingLevel, RequestStateOptions, TransportOptions, sdk
from ..errors import ConfigurationError
from .event_store import BoundedEventStore, SessionEventStore
from .freshness import CacheHint, cache_hint_options
from .logs import SERVER_LOG_LEVELS, configure_server_logging, install_log_level_handler
from .rounds import replayable
from .state import ServerState, state_of

__all__ = [
    "DEFAULT_ELICITATION_TIMEOUT",
    "DEFAULT_REQUEST_STATE_TTL",
    "ELICITATION_TIMEOUT_ENV",
    "REQUEST_STATE_KEYS_ENV",
    "REQUEST_STATE_TTL_ENV",
    "ServerSettings",
    "StatefulServer",
    "elicitation_timeout_from",
    "enter_with_app",
    "stateful_server",
    "toolkit_version",
]

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
DEFAULT_HOST = "127.0.0.1"
AGENTCORE_PORT = 8000
AGENTCORE_PATH = "/mcp"
AGENTCORE_IDLE_TIMEOUT = 900.0
#: Seconds to wait for each answer to a form when neither the call nor the server sets a
#: timeout; generous, because a person is reading and typing.
DEFAULT_ELICITATION_TIMEOUT = 300.0
#: The environment variable with the server-wide elicitation timeout: seconds, or `none`.
ELICITATION_TIMEOUT_ENV = "MCP_ELICITATION_TIMEOUT"
#: The spelling of "no limit" for `elicitation_timeout`, as argument or environment value.
NO_LIMIT = "none"
#: The environment variable with the request-state keys, comma separated: the first seals.
REQUEST_STATE_KEYS_ENV = "MCP_REQUEST_STATE_KEYS"
#: The environment variable with the seconds a sealed request state stays valid.
REQUEST_STATE_TTL_ENV = "MCP_REQUEST_STATE_TTL"
#: Seconds a sealed request state stays valid by default: ten minutes to answer a question.
DEFAULT_REQUEST_STATE_TTL = 600.0
#: The fewest bytes a request-state key may have (the SDK's rule for its AES-256-GCM codec).
MIN_KEY_BYTES = 32
_LOOPBACK_HOSTS = ("127.0.0.1:*", "localhost:*", "[::1]:*")
logger = logging.getLogger(__name__)
_LOOPBACK_ORIGINS = ("http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*")

Lifespan = Callable[[Starlette], AbstractAsyncContextManager[Any]]


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """The resolved settings of a stateful server; see the module table for sources.

    `elicitation_timeout` is None for "wait without a limit".
    """

    host: str = DEFAULT_HOST
    port: int = AGENTCORE_PORT
    path: str = AGENTCORE_PATH
    session_idle_timeout: float = AGENTCORE_IDLE_TIMEOUT
    allowed_hosts: tuple[str, ...] | None = None
    allowed_origins: tuple[str, ...] | None = None
    event_store: bool = True
    retry_interval_ms: int = 1000
    elicitation_timeout: float | None = DEFAULT_ELICITATION_TIMEOUT
    default_log_level: LoggingLevel = "debug"
    log_level: str = "INFO"
    # Secrets: kept out of every repr, so they never reach a log line.
    request_state_keys: tuple[str, ...] | None = field(default=None, repr=False)
    request_state_ttl: float = DEFAULT_REQUEST_STATE_TTL

    @classmethod
    def resolve(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> ServerSettings:
        """Build settings from `overrides` (when not None), then `environ`, then defaults."""
        env = os.environ if environ is None else environ
        from_env: dict[str, Any] = {
            "host": env.get("MCP_HOST"),
            "port": _parse(env, "MCP_PORT", int),
            "path": env.get("MCP_PATH"),
            "session_idle_timeout": _parse(env, "MCP_SESSION_IDLE_TIMEOUT", float),
            "allowed_hosts": _split(env.get("MCP_ALLOWED_HOSTS")),
            "allowed_origins": _split(env.get("MCP_ALLOWED_ORIGINS")),
            "event_store": _parse(env, "MCP_EVENT_STORE", _on_off),
            "retry_interval_ms": _parse(env, "MCP_RETRY_INTERVAL_MS", int),
            "elicitation_timeout": _parse(env, ELICITATION_TIMEOUT_ENV, _timeout),
            "default_log_level": _parse(env, "MCP_LOG_LEVEL", _log_level),
            "log_level": _parse(env, "FASTMCP_LOG_LEVEL", _server_log_level),
            "request_state_keys": _split(env.get(REQUEST_STATE_KEYS_ENV)),
            "request_state_ttl": _parse(env, REQUEST_STATE_TTL_ENV, _seconds),
        }
        chosen = {k: v for k, v in from_env.items() if v is not None}
        chosen.update({k: v for k, v in overrides.items() if v is not None})
        for key in ("allowed_hosts", "allowed_origins", "request_state_keys"):
            if chosen.get(key) is not None:
                chosen[key] = tuple(chosen[key])
        if overrides.get("request_state_ttl") is not None:
            chosen["request_state_ttl"] = _argument(_seconds, overrides["request_state_ttl"], "request_state_ttl")
        if overrides.get("log_level") is not None:
            chosen["log_level"] = _argument(_server_log_level, overrides["log_level"], "log_level")
        if overrides.get("elicitation_timeout") is not None:
            chosen["elicitation_timeout"] = _argument(_timeout, overrides["elicitation_timeout"], "elicitation_timeout")
        if chosen.get("elicitation_timeout") == NO_LIMIT:
            chosen["elicitation_timeout"] = None
        settings = cls(**chosen)
        settings._check()
        return settings

    def _check(self) -> None:
        if not 0 < self.port < 65536:
            raise ConfigurationError(f"port {self.port} is out of range; use 1-65535 (MCP_PORT).")
        if not self.path.startswith("/"):
            raise ConfigurationError(f"path {self.path!r} must start with '/' (MCP_PATH).")
        if not self.session_idle_timeout > 0:
            raise ConfigurationError("session_idle_timeout must be a positive number of seconds.")
        _check_keys(self.request_state_keys)

    def request_state(self) -> RequestStateOptions:
        """How 2026-07-28 request states are sealed: these keys, or the process's own key."""
        keys = tuple(key.encode() for key in self.request_state_keys or ()) or (_process_key(),)
        return RequestStateOptions(keys=keys, ttl=self.request_state_ttl)

    def dns_rebinding_protection(self) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        """The accepted `(hosts, origins)` when DNS-rebinding protection is on, else None.

        On for a loopback bind (its localhost forms) and whenever hosts are listed; off for
        a deployed host without `allowed_hosts`.
        """
        if self.allowed_hosts is not None:
            return self.allowed_hosts, self.allowed_origins or ()
        if self.host in LOCAL_HOSTS:
            return _LOOPBACK_HOSTS, _LOOPBACK_ORIGINS
        # Bound to all interfaces (the AgentCore contract): the platform terminates the public
        # host name, so protection is opt-in through MCP_ALLOWED_HOSTS.
        return None

    def transport_options(self, event_store: Any = None) -> TransportOptions:
        """What the SDK's streamable-HTTP transport is built with, for `event_store` (or none)."""
        protection = self.dns_rebinding_protection()
        session_events: Callable[[str], SessionEventStore] | None = None
        if isinstance(event_store, BoundedEventStore):
            shared = event_store

            def session_events(session_id: str) -> SessionEventStore:
                return SessionEventStore(shared, session_id)

        return TransportOptions(
            path=self.path,
            host=self.host,
            allowed_hosts=protection[0] if protection is not None else None,
            allowed_origins=protection[1] if protection is not None else None,
            session_idle_timeout=self.session_idle_timeout,
            max_sessions=None,
            event_store=event_store,
            retry_interval_ms=self.retry_interval_ms if event_store is not None else None,
            session_events=session_events,
        )


class StatefulServer(sdk.ServerBase):  # type: ignore[misc,name-defined]
    """The SDK's server (FastMCP on mcp 1.x, MCPServer on mcp 2.x) with the toolkit's transport and state.

    Everything the SDK's server offers still works: `@server.tool()`, resources, prompts,
    custom routes. Its streamable-HTTP app keeps sessions, answers with SSE, scopes
    resumable events to their session, and enters the task managers registered with it.

    Attributes:
        toolkit: What the toolkit keeps for this server (`toolkit.server.state.ServerState`).
        event_store: The shared `BoundedEventStore`, or None when resumability is off or the
            store is one of your own.
    """

    toolkit: ServerState
    event_store: BoundedEventStore | None
    _own_event_store: Any

    def add_tool(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Register `fn` as a tool (what `@server.tool()` does), answered in rounds on 2026-07-28.

        On a 2026-07-28 request a question asked in the tool (`toolkit.elicit`, `sample`, ...)
        ends the round with an input-required result, and the tool replays with the answer
        on the next round (see `toolkit.server.rounds`). The SDK sees `fn`'s own signature.
        """
        super().add_tool(_replayable(fn), *args, **kwargs)

    def prompt(self, *args: Any, **kwargs: Any) -> Callable[[Any], Any]:
        """The SDK's `@server.prompt(...)`, with the prompt answered in rounds on 2026-07-28 (see `add_tool`)."""
        register = super().prompt(*args, **kwargs)

        def decorator(fn: Any) -> Any:
            register(_replayable(fn))
            return fn

        return decorator

    def resource(self, *args: Any, **kwargs: Any) -> Callable[[Any], Any]:
        """The SDK's `@server.resource(uri, ...)`; a template with a context parameter is answered in rounds."""
        register = super().resource(*args, **kwargs)

        def decorator(fn: Any) -> Any:
            register(_replayable(fn))
            return fn

        return decorator

    @property
    def toolkit_settings(self) -> ServerSettings:
        """The resolved settings this server was built (or last served) with."""
        settings = self.toolkit.settings
        assert settings is not None, "built by stateful_server()"
        return settings

    def streamable_http_app(self) -> Starlette:
        """The streamable-HTTP ASGI app; its lifespan runs the sessions and the task managers.

        Build it once per server (the sessions it serves belong to it).
        """
        app = sdk.streamable_http_app(self, self.toolkit_settings.transport_options(self._own_event_store))
        return _entering(app, self.toolkit.app_resources)

    def serve(self, host: str | None = None, port: int | None = None, *, log_level: str | None = None) -> None:
        """Serve streamable HTTP with uvicorn until interrupted, optionally on another host, port or log level.

        DNS-rebinding protection is recomputed for the new host, so binding to 127.0.0.1
        turns it on and binding to 0.0.0.0 leaves it to `allowed_hosts`.

        Raises:
            ConfigurationError: The port is out of range or `log_level` is not a level.
        """
        current = self.toolkit_settings
        settings = replace(
            current,
            host=host or current.host,
            port=port or current.port,
            log_level=_argument(_server_log_level, log_level, "log_level") if log_level else current.log_level,
        )
        settings._check()
        self.toolkit.settings = settings
        configure_server_logging(settings.log_level)
        try:
            anyio.run(self.serve_async)
        except KeyboardInterrupt:
            # uvicorn has shut down cleanly and re-raised the signal; a traceback adds nothing.
            return

    async def serve_async(self) -> None:
        """Serve with uvicorn in the running event loop, on the host and port of the settings.

        uvicorn runs without a logging configuration of its own, so its records go through
        the root logger and the toolkit's log writer like everyone else's.
        """
        settings = self.toolkit_settings
        config = uvicorn.Config(
            self.streamable_http_app(),
            host=settings.host,
            port=settings.port,
            log_level=settings.log_level.lower(),
            log_config=None,
        )
        await uvicorn.Server(config).serve()


def _replayable(fn: Any) -> Any:
    # Only coroutine functions with a context parameter can ask the client anything.
    return replayable(fn) if callable(fn) else fn


_process_keys: list[bytes] = []


def _process_key() -> bytes:
    """The request-state key of this process, made (and warned about) on first use."""
    if not _process_keys:
        _process_keys.append(os.urandom(MIN_KEY_BYTES))
        logger.warning(
            "%s is not set: 2026-07-28 request states are sealed with a key made for this process, so other "
            "replicas (and this process after a restart) will refuse them; set %s to the same secret on every replica.",
            REQUEST_STATE_KEYS_ENV,
            REQUEST_STATE_KEYS_ENV,
        )
    return _process_keys[0]


def _check_keys(keys: tuple[str, ...] | None) -> None:
    if keys is None:
        return
    if not keys:
        raise ConfigurationError(f"request_state_keys is empty; give at least one key ({REQUEST_STATE_KEYS_ENV}).")
    for index, key in enumerate(keys):
        if not isinstance(key, str) or len(key.encode()) < MIN_KEY_BYTES:
            # The key itself stays out of the message: it is a secret, even when too short.
            raise ConfigurationError(
                f"request-state key {index + 1} is shorter than {MIN_KEY_BYTES} bytes ({REQUEST_STATE_KEYS_ENV}); "
                'make one with: python -c "import secrets; print(secrets.token_hex(32))"'
            )
    if len(set(keys)) != len(keys):
        raise ConfigurationError(f"request_state_keys repeats a key ({REQUEST_STATE_KEYS_ENV}); list each key once.")


def enter_with_app(server: Any, resource: AbstractAsyncContextManager[Any]) -> None:
    """Enter `resource` when `server`'s streamable-HTTP app starts, and exit it when the app stops.

    The app's lifespan runs once per process, unlike a server `lifespan=`, which runs once
    per session in stateful streamable HTTP. Entering the same resource twice is ignored.

    Args:
        server: A `stateful_server` or any other SDK server.
        resource: An async context manager, e.g. a `TaskManager`.
    """
    state = state_of(server)
    if any(existing is resource for existing in state.app_resources):
        return
    state.app_resources.append(resource)
    if isinstance(server, StatefulServer) or state.app_wrapped:
        return
    build_app = server.streamable_http_app

    def streamable_http_app(*args: Any, **kwargs: Any) -> Starlette:
        # The SDK's own run() passes its transport settings (mcp 2.x); they go through.
        return _entering(build_app(*args, **kwargs), state.app_resources)

    # An instance attribute shadows the method, so the SDK's own run() builds the wrapped app too.
    setattr(server, "streamable_http_app", streamable_http_app)  # noqa: B010
    state.app_wrapped = True


def _entering(app: Starlette, resources: list[Any]) -> Starlette:
    inner: Lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[Any]:
        async with AsyncExitStack() as stack:
            # Read when the app starts, so resources registered after the app was built count.
            for resource in list(resources):
                await stack.enter_async_context(resource)
            async with inner(app) as state:
                yield state

    app.router.lifespan_context = lifespan
    return app


def stateful_server(
    name: str,
    *,
    host: str | None = None,
    port: int | None = None,
    path: str | None = None,
    session_idle_timeout: float | None = None,
    allowed_hosts: list[str] | None = None,
    allowed_origins: list[str] | None = None,
    event_store: Any = None,
    retry_interval_ms: int | None = None,
    elicitation_timeout: float | Literal["none"] | None = None,
    default_log_level: LoggingLevel | None = None,
    log_level: str | None = None,
    version: str | None = None,
    request_state_keys: Sequence[str] | None = None,
    request_state_ttl: float | None = None,
    cache_hints: Mapping[str, CacheHint] | None = None,
    **overrides: Any,
) -> StatefulServer:
    """Create a server preset for stateful streamable HTTP, on the installed SDK line.

    The server keeps sessions, answers with SSE so tools can send requests and
    notifications mid-call, declares `logging` and answers `logging/setLevel`, resumes
    dropped SSE streams from a bounded event store, ends sessions after AgentCore's idle
    timeout, and writes its own log from a thread, each message cut short (see
    `toolkit.server.logs.configure_server_logging`).

    Args:
        name: Server name reported on `initialize`.
        host: Bind address (`MCP_HOST`, default `127.0.0.1`; a deployment sets `0.0.0.0`).
        port: Port (`MCP_PORT`, default 8000).
        path: Streamable HTTP path (`MCP_PATH`, default `/mcp`).
        session_idle_timeout: Seconds without a request before a session ends (default 900).
        allowed_hosts: `Host` header values accepted; turns DNS-rebinding protection on
            for a deployed host (`MCP_ALLOWED_HOSTS`).
        allowed_origins: `Origin` values accepted with `allowed_hosts`.
        event_store: True for the bounded in-memory store (the default), False for none,
            or an SDK event store of your own.
        retry_interval_ms: SSE `retry` hint sent to clients for reconnection.
        elicitation_timeout: Seconds the form helpers wait for each answer unless a call
            says otherwise, or `"none"` for no limit (`MCP_ELICITATION_TIMEOUT`, default 300).
        default_log_level: Minimum level of log notifications for clients that never call
            `setLevel`.
        log_level: Level of the server's own log, `DEBUG` to `CRITICAL` (`FASTMCP_LOG_LEVEL`,
            default `INFO`).
        version: Server version reported on `initialize` (default: the toolkit's version).
        request_state_keys: The secrets that seal 2026-07-28 request states (each at least
            32 bytes): the first seals, all open, so a new key can be rotated in first
            (`MCP_REQUEST_STATE_KEYS`, comma separated). Without them a key is made for this
            process, with a warning that replicas will not share it.
        request_state_ttl: Seconds a request state stays valid (`MCP_REQUEST_STATE_TTL`, 600).
        cache_hints: Caching hints for 2026-07-28 results, by method (`tools/list`,
            `resources/read`, ...; see `toolkit.server.freshness`); methods left out are
            fresh for 0 ms, private. mcp 1.x serves no 2026-07-28 and ignores them.
        **overrides: Passed to the SDK's server class unchanged (instructions, lifespan,
            auth, token_verifier, tools, ...); not transport settings, which the arguments
            above cover.

    Returns:
        The configured server; run it with `server.serve()`, or serve
        `server.streamable_http_app()` with any ASGI server.

    Raises:
        ConfigurationError: A setting, from an argument or the environment, is invalid, or
            an override is a transport setting or not an option of the SDK's server.
    """
    own_store = event_store if isinstance(event_store, sdk.EventStoreBase) else None
    if own_store is None and event_store is not None and not isinstance(event_store, bool):
        raise ConfigurationError(
            f"event_store={event_store!r} is not valid: pass True, False, or an event store "
            "(e.g. toolkit.server.BoundedEventStore())."
        )
    settings = ServerSettings.resolve(
        host=host,
        port=port,
        path=path,
        session_idle_timeout=session_idle_timeout,
        allowed_hosts=allowed_hosts,
        allowed_origins=allowed_origins,
        event_store=None if own_store is not None else event_store,
        retry_interval_ms=retry_interval_ms,
        elicitation_timeout=elicitation_timeout,
        default_log_level=default_log_level,
        log_level=log_level,
        request_state_keys=request_state_keys,
        request_state_ttl=request_state_ttl,
    )
    configure_server_logging(settings.log_level)
    store = own_store or (BoundedEventStore() if settings.event_store else None)
    # A policy of the caller's own (e.g. a KMS codec) replaces the toolkit's keys.
    sealing = None
    if SESSIONLESS_REVISION in sdk.REVISIONS and "request_state_security" not in overrides:
        sealing = settings.request_state()
    options = {**overrides, **cache_hint_options(cache_hints)}
    try:
        server = sdk.make_server(StatefulServer, name, settings.log_level, options, sealing)
    except ValueError as exc:
        raise ConfigurationError(f"stateful_server({name!r}): {exc}") from exc
    sdk.set_server_version(server, version or toolkit_version())
    state = state_of(server)
    state.settings = settings
    server._own_event_store = store
    server.event_store = store if isinstance(store, BoundedEventStore) else None
    install_log_level_handler(server, settings.default_log_level)
    return server


def toolkit_version() -> str:
    """The installed version of this toolkit, the version a preset server reports by default."""
    try:
        return package_version("stateful-mcp-toolkit")
    except PackageNotFoundError:
        # Run from a source tree that was never installed.
        return "0+unknown"


def _argument(convert: Any, raw: Any, name: str) -> Any:
    try:
        return convert(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name}={raw!r} is not valid: {exc}") from exc


def _parse(env: Mapping[str, str], key: str, convert: Any) -> Any:
    raw = env.get(key)
    if raw is None or not raw.strip():
        return None
    try:
        return convert(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{key}={raw!r} is not valid: {exc}") from exc


def _split(raw: str | None) -> tuple[str, ...] | None:
    if not raw:
        return None
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def _on_off(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "on", "true", "yes"):
        return True
    if value in ("0", "off", "false", "no"):
        return False
    raise ValueError("use on or off")


def _timeout(raw: object) -> float | str:
    if isinstance(raw, str) and raw.strip().lower() == NO_LIMIT:
        return NO_LIMIT
    try:
        seconds = float(raw) if isinstance(raw, str | int | float) and not isinstance(raw, bool) else math.nan
    except ValueError:
        seconds = math.nan
    # inf would read as "no limit" by accident; `none` says it on purpose.
    if not (math.isfinite(seconds) and seconds > 0):
        raise ValueError(f"use a positive number of seconds, e.g. 300, or '{NO_LIMIT}' to wait without a limit")
    return seconds


def _seconds(raw: object) -> float:
    try:
        seconds = float(raw) if isinstance(raw, str | int | float) and not isinstance(raw, bool) else math.nan
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise ValueError("use a positive number of seconds, e.g. 600")
    return seconds


def elicitation_timeout_from(environ: Mapping[str, str]) -> float | None:
    """The elicitation timeout `MCP_ELICITATION_TIMEOUT` in `environ` sets, else the default.

    Returns:
        Seconds, or None for `none` (wait as long as the tool call lives).

    Raises:
        ConfigurationError: The variable is neither a positive number of seconds nor `none`.
    """
    value = _parse(environ, ELICITATION_TIMEOUT_ENV, _timeout)
    if value is None:
        return DEFAULT_ELICITATION_TIMEOUT
    return None if value == NO_LIMIT else float(value)


def _log_level(raw: str) -> LoggingLevel:
    value = raw.strip().lower()
    if value not in LOG_LEVELS:
        raise ValueError(f"use one of {', '.join(LOG_LEVELS)}")
    return cast(LoggingLevel, value)


def _server_log_level(raw: str) -> str:
    value = str(raw).strip().upper()
    if value not in SERVER_LOG_LEVELS:
        raise ValueError(f"use one of {', '.join(SERVER_LOG_LEVELS)}")
    return value
