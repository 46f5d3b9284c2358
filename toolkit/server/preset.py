"""`stateful_server`: the FastMCP preset for stateful streamable HTTP on AgentCore Runtime.

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
| default_log_level | `MCP_LOG_LEVEL` | `debug` |
| log_level | `FASTMCP_LOG_LEVEL` | `INFO` |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from typing import Any, cast

import uvicorn
from mcp.server.fastmcp import FastMCP
from mcp.server.streamable_http import EventStore, StreamableHTTPServerTransport
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from mcp.types import LoggingLevel
from starlette.applications import Starlette

from ..errors import ConfigurationError
from .event_store import BoundedEventStore, SessionEventStore
from .logs import LOG_LEVELS, SERVER_LOG_LEVELS, configure_server_logging, install_log_level_handler

__all__ = ["ServerSettings", "StatefulFastMCP", "stateful_server", "toolkit_version"]

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
DEFAULT_HOST = "127.0.0.1"
AGENTCORE_PORT = 8000
AGENTCORE_PATH = "/mcp"
AGENTCORE_IDLE_TIMEOUT = 900.0


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """The resolved settings of a stateful server; see the module table for sources."""

    host: str = DEFAULT_HOST
    port: int = AGENTCORE_PORT
    path: str = AGENTCORE_PATH
    session_idle_timeout: float = AGENTCORE_IDLE_TIMEOUT
    allowed_hosts: tuple[str, ...] | None = None
    allowed_origins: tuple[str, ...] | None = None
    event_store: bool = True
    retry_interval_ms: int = 1000
    default_log_level: LoggingLevel = "debug"
    log_level: str = "INFO"

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
            "default_log_level": _parse(env, "MCP_LOG_LEVEL", _log_level),
            "log_level": _parse(env, "FASTMCP_LOG_LEVEL", _server_log_level),
        }
        chosen = {k: v for k, v in from_env.items() if v is not None}
        chosen.update({k: v for k, v in overrides.items() if v is not None})
        for key in ("allowed_hosts", "allowed_origins"):
            if chosen.get(key) is not None:
                chosen[key] = tuple(chosen[key])
        if "log_level" in overrides and overrides["log_level"] is not None:
            chosen["log_level"] = _argument(_server_log_level, overrides["log_level"], "log_level")
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

    def transport_security(self) -> TransportSecuritySettings | None:
        """DNS-rebinding protection: on for localhost binds and whenever hosts are listed."""
        if self.allowed_hosts is not None:
            return TransportSecuritySettings(
                enable_dns_rebinding_protection=True,
                allowed_hosts=list(self.allowed_hosts),
                allowed_origins=list(self.allowed_origins or ()),
            )
        if self.host in LOCAL_HOSTS:
            return TransportSecuritySettings(
                enable_dns_rebinding_protection=True,
                allowed_hosts=["127.0.0.1:*", "localhost:*", "[::1]:*"],
                allowed_origins=["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"],
            )
        # Bound to all interfaces (the AgentCore contract): the platform terminates the public
        # host name, so protection is opt-in through MCP_ALLOWED_HOSTS.
        return TransportSecuritySettings(enable_dns_rebinding_protection=False)


class _SessionScopedManager(StreamableHTTPSessionManager):
    """Gives every session its own view of the shared event store, closed when it ends."""

    def _admit_session(self, requestor: Any) -> StreamableHTTPServerTransport | None:
        transport = super()._admit_session(requestor)
        if transport is not None and isinstance(self.event_store, BoundedEventStore):
            assert transport.mcp_session_id is not None
            transport._event_store = SessionEventStore(self.event_store, transport.mcp_session_id)
        return transport

    async def _discard_session(self, session_id: str, transport: StreamableHTTPServerTransport) -> None:
        # The SDK ends every session here: DELETE, idle timeout, crash, a refused opening.
        await super()._discard_session(session_id, transport)
        if isinstance(transport._event_store, SessionEventStore):
            transport._event_store.close()


class StatefulFastMCP(FastMCP[Any]):
    """A FastMCP whose streamable-HTTP app scopes resumable events to their session.

    Attributes:
        toolkit_settings: The resolved `ServerSettings` this server was built with.
        event_store: The shared `BoundedEventStore`, or None when resumability is off.
    """

    toolkit_settings: ServerSettings
    event_store: BoundedEventStore | None

    def streamable_http_app(self) -> Starlette:
        if self._session_manager is None:
            self._session_manager = _SessionScopedManager(
                app=self._mcp_server,
                event_store=self._event_store,
                retry_interval=self._retry_interval,
                json_response=self.settings.json_response,
                stateless=self.settings.stateless_http,
                security_settings=self.settings.transport_security,
                max_request_body_size=self.settings.max_request_body_size,
                session_idle_timeout=self.settings.session_idle_timeout,
                max_sessions=self.settings.max_sessions,
            )
        return super().streamable_http_app()

    def serve(self, host: str | None = None, port: int | None = None, *, log_level: str | None = None) -> None:
        """Serve streamable HTTP until interrupted, optionally on another host, port or log level.

        DNS-rebinding protection is recomputed for the new host, so binding to 127.0.0.1
        turns it on and binding to 0.0.0.0 leaves it to `allowed_hosts`.

        Raises:
            ConfigurationError: The port is out of range or `log_level` is not a level.
        """
        settings = replace(
            self.toolkit_settings,
            host=host or self.toolkit_settings.host,
            port=port or self.toolkit_settings.port,
            log_level=(
                _argument(_server_log_level, log_level, "log_level") if log_level else self.toolkit_settings.log_level
            ),
        )
        settings._check()
        self.toolkit_settings = settings
        self.settings.host = settings.host
        self.settings.port = settings.port
        self.settings.transport_security = settings.transport_security()
        self.settings.log_level = cast(Any, settings.log_level)
        configure_server_logging(settings.log_level)
        try:
            self.run("streamable-http")
        except KeyboardInterrupt:
            # uvicorn has shut down cleanly and re-raised the signal; a traceback adds nothing.
            return

    async def run_streamable_http_async(self) -> None:
        """Serve with uvicorn, whose records go through the root logger like everyone else's.

        FastMCP lets uvicorn install its own handlers, which write on the event loop; without
        a logging configuration uvicorn's loggers propagate to the toolkit's queue handler.
        """
        config = uvicorn.Config(
            self.streamable_http_app(),
            host=self.settings.host,
            port=self.settings.port,
            log_level=self.settings.log_level.lower(),
            log_config=None,
        )
        await uvicorn.Server(config).serve()


def stateful_server(
    name: str,
    *,
    host: str | None = None,
    port: int | None = None,
    path: str | None = None,
    session_idle_timeout: float | None = None,
    allowed_hosts: list[str] | None = None,
    allowed_origins: list[str] | None = None,
    event_store: bool | EventStore | None = None,
    retry_interval_ms: int | None = None,
    default_log_level: LoggingLevel | None = None,
    log_level: str | None = None,
    version: str | None = None,
    **overrides: Any,
) -> StatefulFastMCP:
    """Create a FastMCP server preset for stateful streamable HTTP.

    The server keeps sessions (`stateless_http=False`), answers with SSE
    (`json_response=False`) so tools can send requests and notifications mid-call, declares
    `logging` and answers `logging/setLevel`, resumes dropped SSE streams from a bounded
    event store, ends sessions after AgentCore's idle timeout, and writes its own log from
    a thread, each message cut short (see `toolkit.logs.configure_server_logging`).

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
            or an `EventStore` of your own.
        retry_interval_ms: SSE `retry` hint sent to clients for reconnection.
        default_log_level: Minimum level of log notifications for clients that never call
            `setLevel`.
        log_level: Level of the server's own log, `DEBUG` to `CRITICAL` (`FASTMCP_LOG_LEVEL`,
            default `INFO`).
        version: Server version reported on `initialize` (default: the toolkit's version).
        **overrides: Passed to `FastMCP` unchanged (instructions, lifespan, auth, ...).

    Returns:
        The configured server; run it with `server.serve()`, `server.run("streamable-http")`
        or serve `server.streamable_http_app()` with any ASGI server.

    Raises:
        ConfigurationError: A setting, from an argument or the environment, is invalid.
    """
    own_store = event_store if isinstance(event_store, EventStore) else None
    settings = ServerSettings.resolve(
        host=host,
        port=port,
        path=path,
        session_idle_timeout=session_idle_timeout,
        allowed_hosts=allowed_hosts,
        allowed_origins=allowed_origins,
        event_store=None if own_store is not None else event_store,
        retry_interval_ms=retry_interval_ms,
        default_log_level=default_log_level,
        log_level=log_level,
    )
    # Before FastMCP is built: with a handler on the root logger, FastMCP adds no rich one.
    configure_server_logging(settings.log_level)
    store: EventStore | None = own_store or (BoundedEventStore() if settings.event_store else None)
    server = StatefulFastMCP(
        name,
        host=settings.host,
        port=settings.port,
        streamable_http_path=settings.path,
        stateless_http=False,
        json_response=False,
        session_idle_timeout=settings.session_idle_timeout,
        transport_security=settings.transport_security(),
        event_store=store,
        retry_interval=settings.retry_interval_ms if store is not None else None,
        log_level=settings.log_level,
        **overrides,
    )
    server._mcp_server.version = version or toolkit_version()
    server.toolkit_settings = settings
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
    if raw is None or raw == "":
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
