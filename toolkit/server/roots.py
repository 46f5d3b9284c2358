"""`list_roots`: ask the client for its roots (`roots/list`), on both protocol revisions.

Roots are the folders or other URIs the client lets the server work in. The client must
declare the `roots` capability; on a 2025-11-25 session the request travels on the call's
own stream, on a 2026-07-28 request it is one round of the call (see `toolkit.server.rounds`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._sdk import ClientRequestError, ClientRequestTimeout
from ..errors import RootsRequestFailed, RootsUnsupported
from .capabilities import client_features
from .rounds import ask_client

if TYPE_CHECKING:
    from .._sdk import Context

__all__ = ["DEFAULT_ROOTS_TIMEOUT", "list_roots"]

#: Seconds to wait for the roots: a client answers from its configuration, without a person.
DEFAULT_ROOTS_TIMEOUT = 30.0


async def list_roots(
    ctx: Context,
    *,
    key: str | None = None,
    timeout: float | None = DEFAULT_ROOTS_TIMEOUT,  # noqa: ASYNC109 - a timeout names the error and cancels on the wire
) -> list[dict[str, Any]]:
    """The client's roots, each `{"uri": ..., "name": ...}` in wire form (`name` only when given).

    Args:
        ctx: The tool's context.
        key: The request's key on 2026-07-28; by default its order of asking in the tool.
        timeout: Seconds to wait on 2025-11-25; None waits as long as the call lives.

    Raises:
        RootsUnsupported: The client did not declare `roots`; nothing was sent.
        RootsRequestFailed: The client answered with an error or a malformed result, or
            did not answer within `timeout` (the request was cancelled on the wire).
    """
    if not client_features(ctx).roots:
        raise RootsUnsupported("roots")
    reason = f"no answer within {timeout:g} s" if timeout is not None else ""
    try:
        raw = await ask_client(ctx, "roots/list", {}, seconds=timeout, timeout_reason=reason, key=key)
    except ClientRequestTimeout as exc:
        raise RootsRequestFailed(None, reason) from exc
    except ClientRequestError as exc:
        raise RootsRequestFailed(exc.code, exc.message) from exc
    return _roots(raw)


def _roots(raw: Mapping[str, Any]) -> list[dict[str, Any]]:
    roots = raw.get("roots")
    if not isinstance(roots, list):
        raise RootsRequestFailed(None, "the result holds no 'roots' list")
    listed: list[dict[str, Any]] = []
    for index, root in enumerate(roots):
        if not isinstance(root, Mapping) or not isinstance(root.get("uri"), str):
            raise RootsRequestFailed(None, f"root {index} has no 'uri' string")
        entry: dict[str, Any] = {"uri": root["uri"]}
        if isinstance(root.get("name"), str):
            entry["name"] = root["name"]
        listed.append(entry)
    return listed
