"""The one place the toolkit imports the MCP SDK.

`sdk` is the implementation for the installed SDK line: `v1` for mcp 1.x (FastMCP) or `v2`
for mcp 2.x (MCPServer). Both provide the interface described in `interface.py`. An SDK
outside the supported ranges fails here, once, at import time, with what to install instead.
"""

from __future__ import annotations

from importlib import metadata
from types import ModuleType
from typing import TYPE_CHECKING, Any

from .interface import (
    HANDSHAKE_REVISION,
    LOG_LEVELS,
    MISSING_CLIENT_CAPABILITY,
    SESSIONLESS_REVISION,
    ClientRequestError,
    ClientRequestTimeout,
    LoggingLevel,
    NoBackChannel,
    RequestHandler,
    RequestStateOptions,
    SDKLine,
    SessionEvents,
    TransportOptions,
)

__all__ = [
    "HANDSHAKE_REVISION",
    "LOG_LEVELS",
    "MISSING_CLIENT_CAPABILITY",
    "SESSIONLESS_REVISION",
    "SUPPORTED",
    "ClientRequestError",
    "ClientRequestTimeout",
    "Context",
    "LoggingLevel",
    "NoBackChannel",
    "RequestHandler",
    "RequestStateOptions",
    "SDKLine",
    "SessionEvents",
    "TransportOptions",
    "UnsupportedSDK",
    "line_for",
    "sdk",
]

#: The supported `mcp` releases per line, as (lowest, first unsupported).
SUPPORTED: dict[int, tuple[tuple[int, int], tuple[int, int]]] = {
    1: ((1, 30), (2, 0)),
    2: ((2, 1), (3, 0)),
}


class UnsupportedSDK(ImportError):
    """The installed `mcp` is outside every line the toolkit supports."""


def _version_tuple(version: str) -> tuple[int, int]:
    parts = version.split(".")
    try:
        return int(parts[0]), int(parts[1])
    except (IndexError, ValueError) as exc:
        raise UnsupportedSDK(f"Cannot read the installed mcp version {version!r}.") from exc


def _supported_ranges() -> str:
    return " or ".join(f"mcp>={lo[0]}.{lo[1]},<{hi[0]}.{hi[1]}" for lo, hi in SUPPORTED.values())


def line_for(version: str) -> int:
    """The SDK line (1 or 2) the toolkit uses for `mcp` at `version`.

    Raises:
        UnsupportedSDK: `version` is in no supported range; the message says what to install.
    """
    found = _version_tuple(version)
    for line, (lowest, first_unsupported) in SUPPORTED.items():
        if lowest <= found < first_unsupported:
            return line
    raise UnsupportedSDK(f"mcp {version} is not supported by this toolkit; install {_supported_ranges()}.")


def _load() -> ModuleType:
    try:
        version = metadata.version("mcp")
    except metadata.PackageNotFoundError as exc:
        raise UnsupportedSDK(f"The MCP SDK is not installed; install {_supported_ranges()}.") from exc
    if line_for(version) == 1:
        from . import v1

        return v1
    from . import v2

    return v2


sdk: SDKLine = _load()  # type: ignore[assignment]

if TYPE_CHECKING:
    # The two lines' classes differ; to a type checker a context is just "the tool's context".
    Context = Any
else:
    #: The class a tool annotates its context parameter with, on the installed line.
    Context = sdk.Context
