"""Helpers both SDK lines share; nothing here imports the SDK."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

__all__ = [
    "TRANSPORT_OPTIONS",
    "check_server_options",
    "prime_by_negotiated_version",
    "root_logging_kept",
    "server_options",
]

#: Transport settings either line's server takes somewhere (FastMCP's constructor, MCPServer's
#: `streamable_http_app`); the toolkit configures them itself, so they are never server options.
TRANSPORT_OPTIONS = frozenset(
    {
        "event_store",
        "retry_interval",
        "host",
        "port",
        "mount_path",
        "sse_path",
        "message_path",
        "streamable_http_path",
        "json_response",
        "stateless_http",
        "max_request_body_size",
        "session_idle_timeout",
        "max_sessions",
        "transport_security",
    }
)
#: What the toolkit's preset sets itself, so they are never constructor options.
_SET_BY_THE_TOOLKIT = frozenset({"self", "name", "log_level"})


def server_options(cls: type) -> frozenset[str]:
    """The keywords `cls.__init__` takes that are neither transport settings nor set by the toolkit."""
    parameters = inspect.signature(cls.__init__).parameters.values()
    named = {p.name for p in parameters if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
    return frozenset(named - _SET_BY_THE_TOOLKIT - TRANSPORT_OPTIONS)


def check_server_options(options: Mapping[str, Any], accepted: frozenset[str], line: str) -> None:
    """Refuse an option the toolkit configures elsewhere, or one the SDK's server does not take.

    Raises:
        ValueError: Naming the option and what to do instead.
    """
    for key in options:
        if key in TRANSPORT_OPTIONS:
            raise ValueError(
                f"{key!r} is a transport setting, which the toolkit configures itself: use the "
                "preset's host, port, path, session_idle_timeout, allowed_hosts, allowed_origins, "
                "event_store and retry_interval_ms instead."
            )
        if key in _SET_BY_THE_TOOLKIT:
            raise ValueError(f"{key!r} is set by the toolkit; pass it as its own argument.")
        if key not in accepted:
            takes = ", ".join(sorted(accepted))
            raise ValueError(f"{key!r} is not an option of the SDK's server on {line}; it takes {takes}.")


@contextmanager
def root_logging_kept() -> Iterator[None]:
    """Keep the SDK's server constructor from configuring the root logger while the block runs.

    Both lines' servers call `logging.basicConfig` (with rich's handler when rich is
    installed), which does nothing while the root logger has a handler; so when it has none,
    a placeholder sits there for the block.
    """
    root = logging.getLogger()
    if root.handlers:
        yield
        return
    placeholder = logging.NullHandler()
    root.addHandler(placeholder)
    try:
        yield
    finally:
        root.removeHandler(placeholder)


#: `transport._mint_priming_event(stream_id, protocol_version)`, in both SDK lines.
MintPriming = Callable[[str, str], Awaitable[Any]]


def prime_by_negotiated_version(transport: Any, negotiate: Callable[[str], str]) -> None:
    """Make a session's transport decide on priming events by the version its session negotiated.

    The SDKs decide per request from the `MCP-Protocol-Version` header, and skip priming
    below 2025-11-25; a client may send an older header than it negotiated, and then its
    streams lose the event id and `retry` hint it is entitled to. A session's transport is
    made for its `initialize`, whose requested version is the first the transport is asked
    about; `negotiate` turns it into the version the session speaks.
    """
    mint: MintPriming = transport._mint_priming_event
    negotiated: str | None = None

    async def mint_for_session(stream_id: str, protocol_version: str) -> Any:
        nonlocal negotiated
        if negotiated is None:
            negotiated = negotiate(protocol_version)
        return await mint(stream_id, negotiated)

    transport._mint_priming_event = mint_for_session
