"""The one place the reference client imports the MCP SDK.

`sdk` is the implementation for the installed SDK line, `v1` (mcp 1.x) or `v2` (mcp 2.x);
both provide the members of `interface.SDKLine`, in wire form. An SDK outside the supported
ranges fails here, once, at import time, with what to install instead.
"""

from __future__ import annotations

from importlib import metadata
from types import ModuleType

from .interface import (
    AUTO,
    CONNECTION_CLOSED,
    INTERNAL_ERROR,
    INVALID_PARAMS,
    LEGACY_REVISION,
    METHOD_NOT_FOUND,
    MODERN_REVISION,
    ErrorAnswer,
    Handlers,
    NotModern,
    Outgoing,
    ProgressFn,
    ProtocolError,
    RequestNotSent,
    RoundsExceeded,
    SDKLine,
    Session,
    UnsupportedProtocol,
    Wire,
)

__all__ = [
    "AUTO",
    "CONNECTION_CLOSED",
    "INTERNAL_ERROR",
    "INVALID_PARAMS",
    "LEGACY_REVISION",
    "METHOD_NOT_FOUND",
    "MODERN_REVISION",
    "SUPPORTED",
    "ErrorAnswer",
    "Handlers",
    "NotModern",
    "Outgoing",
    "ProgressFn",
    "ProtocolError",
    "RequestNotSent",
    "RoundsExceeded",
    "SDKLine",
    "Session",
    "UnsupportedProtocol",
    "UnsupportedSDK",
    "Wire",
    "sdk",
]

#: The supported `mcp` releases per line, as (lowest, first unsupported).
SUPPORTED: dict[int, tuple[tuple[int, int], tuple[int, int]]] = {
    1: ((1, 30), (2, 0)),
    2: ((2, 1), (3, 0)),
}


class UnsupportedSDK(ImportError):
    """The installed `mcp` is outside every line the reference client supports."""


def _ranges() -> str:
    return " or ".join(f"mcp>={lo[0]}.{lo[1]},<{hi[0]}.{hi[1]}" for lo, hi in SUPPORTED.values())


def _load() -> ModuleType:
    try:
        version = metadata.version("mcp")
    except metadata.PackageNotFoundError as exc:
        raise UnsupportedSDK(f"The MCP SDK is not installed; install {_ranges()}.") from exc
    try:
        found = tuple(int(part) for part in version.split(".")[:2])
    except ValueError as exc:
        raise UnsupportedSDK(f"Cannot read the installed mcp version {version!r}; install {_ranges()}.") from exc
    for line, (lowest, first_unsupported) in SUPPORTED.items():
        if lowest <= found < first_unsupported:
            if line == 1:
                from . import v1

                return v1
            from . import v2

            return v2
    raise UnsupportedSDK(f"mcp {version} is not supported by the reference client; install {_ranges()}.")


#: The installed line; a module providing the members of `SDKLine`.
sdk: SDKLine = _load()  # type: ignore[assignment]
