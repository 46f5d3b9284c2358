"""URL mode: send the user to a page outside the client, for anything that must not pass through it.

Secrets (passwords, API keys, payment details, third-party OAuth) never go through form
mode; `requested_schema` refuses `SecretStr` fields for that reason. Instead:

1. `UrlElicitations.start(ctx)` opens an elicitation id bound to the calling user (and session);
2. `elicit_url(ctx, message, url, elicitation_id=...)` asks the client to open your page,
   or `raise url_elicitation_required(...)` answers the tool call with error -32042;
3. your page verifies the user, does the sensitive step, and calls
   `UrlElicitations.complete(elicitation_id, user=...)`, which sends
   `notifications/elicitation/complete`;
4. a tool that is still running can `await UrlElicitations.wait(ctx, elicitation_id)`.
"""

from __future__ import annotations

import secrets
import time
import weakref
from contextlib import suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

import anyio

from .._sdk import sdk
from ..errors import ConfigurationError, UnknownElicitation, UrlElicitationRequired
from ..server.capabilities import require_elicitation
from .requests import Cancelled, Declined, ElicitAnswer, check_limits, send_elicitation

if TYPE_CHECKING:
    from .._sdk import Context

__all__ = [
    "UrlAccepted",
    "UrlElicitations",
    "elicit_url",
    "new_elicitation_id",
    "url_elicitation_required",
    "user_identity",
]


@dataclass(frozen=True, slots=True)
class UrlAccepted:
    """The user agreed to open the URL; the out-of-band step may still be under way.

    Attributes:
        elicitation_id: The id sent with the request, for matching the completion.
        url: The URL the user agreed to open.
    """

    elicitation_id: str
    url: str
    action: Literal["accept"] = field(default="accept", init=False)


def new_elicitation_id() -> str:
    """A fresh, unguessable elicitation id."""
    return secrets.token_urlsafe(24)


def user_identity(request: Any) -> str | None:
    """The authenticated user of an HTTP request, or None when the server has no authorization.

    Reads what MCP authorization put on the request: the token's subject (`sub`), else
    its client id. Pass `toolkit.server.http_request(ctx)` in a tool, or the Starlette
    request in a custom route.
    """
    scope = getattr(request, "scope", None) or {}
    token = getattr(scope.get("user"), "access_token", None)
    if token is None:
        return None
    return token.subject or token.client_id


async def elicit_url(
    ctx: Context,
    message: str,
    url: str,
    *,
    elicitation_id: str | None = None,
    timeout: float | None = None,  # noqa: ASYNC109 (see elicit)
    key: str | None = None,
) -> UrlAccepted | Declined | Cancelled:
    """Ask the client to send the user to `url`.

    Args:
        ctx: The tool's context.
        message: Why the user should open the page (the protocol forbids a URL in it).
        url: An absolute URL; it must not carry secrets or pre-authenticate anything.
        elicitation_id: The id to send; a fresh one when None (use `UrlElicitations.start`
            to bind it to the user).
        timeout: Seconds to wait for the user's consent; the request is cancelled on the
            wire when they pass.
        key: The question's key on 2026-07-28 (see `toolkit.elicit`).

    Returns:
        `UrlAccepted(elicitation_id, url)` when the user agreed to open the page,
        else `Declined()` or `Cancelled(...)`.

    Raises:
        ElicitationUnsupported: The client did not declare `elicitation.url`.
        ConfigurationError: `url` is not absolute, or the timeout is not positive.
    """
    _check_url(url)
    check_limits(1, timeout)
    require_elicitation(ctx, "url")
    elicitation_id = elicitation_id or new_elicitation_id()
    params = {"mode": "url", "message": message, "url": url, "elicitationId": elicitation_id}
    answer = await send_elicitation(ctx, params, timeout, key)
    if isinstance(answer, ElicitAnswer):
        return UrlAccepted(elicitation_id, url)
    return answer


def url_elicitation_required(
    ctx: Context, message: str, url: str, *, elicitation_id: str | None = None
) -> UrlElicitationRequired:
    """The -32042 error for a tool that cannot go on until the user has visited `url`.

    Use it as `raise url_elicitation_required(ctx, ...)`. The client shows the URL and
    may retry the tool call once it receives `notifications/elicitation/complete`.

    Raises:
        ElicitationUnsupported: The client did not declare `elicitation.url`, so it could
            not act on the error.
        ConfigurationError: `url` is not absolute.
    """
    _check_url(url)
    require_elicitation(ctx, "url")
    params = {"mode": "url", "message": message, "url": url, "elicitationId": elicitation_id or new_elicitation_id()}
    return UrlElicitationRequired([params], message)


@dataclass(slots=True)
class _Pending:
    owner: str | None
    # The SDK's session object (`sdk.session_key`), held weakly: the elicitation must not keep
    # an ended session alive.
    session: weakref.ref[object] | None
    started: float = field(default_factory=time.monotonic)
    done: anyio.Event = field(default_factory=anyio.Event)
    waiting_request: str | None = None


class UrlElicitations:
    """URL-mode elicitations in flight on one server, each bound to the user who started it.

    Keep one per server process, next to the routes that finish the out-of-band step.
    State lives in memory, so a deployment needs session affinity (AgentCore Runtime
    routes a session to one microVM). Without MCP authorization a user has no identity:
    then the unguessable id is the only binding, which suits local development only.

    Args:
        max_age: Seconds an elicitation stays known after `start`, finished or not; older
            ones are forgotten so abandoned links cannot pile up.
    """

    def __init__(self, *, max_age: float = 3600.0) -> None:
        self.max_age = max_age
        self._pending: dict[str, _Pending] = {}

    def start(self, ctx: Context) -> str:
        """Open a new elicitation id, bound to the calling user and their session."""
        self._forget_old()
        elicitation_id = new_elicitation_id()
        owner = user_identity(sdk.http_request(ctx))
        session = sdk.session_key(ctx)
        self._pending[elicitation_id] = _Pending(owner, weakref.ref(session) if session is not None else None)
        return elicitation_id

    def owner(self, elicitation_id: str) -> str | None:
        """The user an open elicitation belongs to, for a page that checks who opened it.

        Raises:
            UnknownElicitation: No open elicitation has this id.
        """
        pending = self._pending.get(elicitation_id)
        if pending is None:
            raise UnknownElicitation(elicitation_id)
        return pending.owner

    async def complete(self, elicitation_id: str, *, user: str | None) -> None:
        """Mark the out-of-band step finished and send `notifications/elicitation/complete`.

        Args:
            elicitation_id: The id from `start`.
            user: The user your page verified (e.g. the `sub` of their login), or None
                on a server without authorization. It must be the user who started it.

        Raises:
            UnknownElicitation: No open elicitation has this id for `user`; nothing changes.
        """
        self._forget_old()
        pending = self._pending.get(elicitation_id)
        if pending is None or pending.owner != user or pending.done.is_set():
            raise UnknownElicitation(elicitation_id)
        # Kept until the tool's `wait` collects it: the page may finish before the tool waits.
        pending.done.set()
        await _notify_complete(pending, elicitation_id)

    async def wait(
        self,
        ctx: Context,
        elicitation_id: str,
        *,
        timeout: float | None = None,  # noqa: ASYNC109 (running out returns False, not an error)
    ) -> bool:
        """Wait in a tool until `complete` is called for `elicitation_id`.

        While a tool waits, the completion notification goes on that tool call's stream.

        Returns:
            True when the step completed (perhaps before the wait began), False when
            `timeout` passed first; either way the elicitation is then forgotten, so a
            late `complete` raises `UnknownElicitation`.

        Raises:
            UnknownElicitation: No open elicitation has this id for the calling user.
        """
        pending = self._pending.get(elicitation_id)
        if pending is None or not _started_by(pending, ctx):
            raise UnknownElicitation(elicitation_id)
        pending.waiting_request = sdk.request_id(ctx)
        with anyio.move_on_after(timeout):
            await pending.done.wait()
        self._pending.pop(elicitation_id, None)
        return pending.done.is_set()

    def discard(self, elicitation_id: str) -> None:
        """Forget an elicitation the user declined or that is no longer wanted."""
        self._pending.pop(elicitation_id, None)

    def _forget_old(self) -> None:
        oldest = time.monotonic() - self.max_age
        for elicitation_id in [key for key, pending in self._pending.items() if pending.started < oldest]:
            del self._pending[elicitation_id]


def _started_by(pending: _Pending, ctx: Context) -> bool:
    owner = user_identity(sdk.http_request(ctx))
    if owner is not None:
        return pending.owner == owner
    # Without authorization there is no user to compare, so the session has to match.
    session = pending.session() if pending.session is not None else None
    return pending.owner is None and session is not None and session is sdk.session_key(ctx)


async def _notify_complete(pending: _Pending, elicitation_id: str) -> None:
    session = pending.session() if pending.session is not None else None
    if session is None:
        return
    # The client may have gone away meanwhile; the step is complete regardless.
    with suppress(anyio.ClosedResourceError, anyio.BrokenResourceError):
        await sdk.notify_session(
            session,
            "notifications/elicitation/complete",
            {"elicitationId": elicitation_id},
            related_request_id=pending.waiting_request,
        )


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if not (parts.scheme and (parts.netloc or parts.path)):
        raise ConfigurationError(
            f"URL elicitation needs an absolute URL such as https://example.com/connect, not {url!r}."
        )
