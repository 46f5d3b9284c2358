"""What the toolkit keeps for one server, on the server object itself: `server.toolkit`.

Helpers reach it from a tool's context (`call_state(ctx)`), so nothing lives in module-level
tables: two servers in one process never share a log level, a fallback sampler or a
subscription, and a server's state goes when the server goes. What belongs to one session
(its log level, the progress channels of its calls) sits in `ServerState.sessions`, keyed by
the SDK's session object and dropped as soon as the session ends. On protocol revision
2026-07-28 a request is its own session, so that state lasts one request.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .._sdk import LoggingLevel, sdk

if TYPE_CHECKING:
    from .._sdk import Context
    from .preset import ServerSettings
    from .subscriptions import ResourceSubscriptions

__all__ = ["ATTRIBUTE", "ServerState", "SessionState", "call_state", "session_state", "state_of"]

#: The attribute of a server that holds its `ServerState`.
ATTRIBUTE = "toolkit"


@dataclass(eq=False, slots=True)
class SessionState:
    """What the toolkit keeps for one session.

    Attributes:
        log_level: The minimum level the client set with `logging/setLevel`, or None.
        progress: Per call (by request id), the channel its progress reporters share.
    """

    log_level: LoggingLevel | None = None
    progress: dict[str, Any] = field(default_factory=dict)


@dataclass(eq=False, slots=True)
class ServerState:
    """Everything the toolkit keeps for one server.

    Attributes:
        settings: The preset's resolved settings; None for a server not built by `stateful_server`.
        default_log_level: The minimum level of log notifications for clients that never
            called `logging/setLevel`.
        fallback_sampler: The sampler answering when the client cannot (see
            `toolkit.use_fallback_sampler`), or None.
        subscriptions: The resource-subscription registry once subscriptions are enabled.
        app_resources: Async context managers (task managers) entered when the server's HTTP
            app starts and exited when it stops.
        app_wrapped: Whether the app builder of a server not built by `stateful_server` was
            already wrapped to enter `app_resources`.
        sessions: Per-session state, keyed by the SDK's session object.
    """

    settings: ServerSettings | None = None
    default_log_level: LoggingLevel = "debug"
    fallback_sampler: Any = None
    subscriptions: ResourceSubscriptions | None = None
    app_resources: list[Any] = field(default_factory=list)
    app_wrapped: bool = False
    sessions: weakref.WeakKeyDictionary[object, SessionState] = field(default_factory=weakref.WeakKeyDictionary)

    def session(self, ctx: Context) -> SessionState | None:
        """The state of the session of `ctx`, made on first use; None outside a request."""
        key = sdk.session_key(ctx)
        if key is None:
            return None
        state = self.sessions.get(key)
        if state is None:
            state = self.sessions[key] = SessionState()
            # The weak key would let it go eventually; this lets it go the moment the session ends.
            sdk.on_session_closed(ctx, _Forget(self.sessions, weakref.ref(key)))
        return state


class _Forget:
    """A session-closed callback that drops the session's entry (without keeping the session alive)."""

    __slots__ = ("key", "table")

    def __init__(self, table: weakref.WeakKeyDictionary[object, SessionState], key: weakref.ref[object]) -> None:
        self.table = table
        self.key = key

    async def __call__(self) -> None:
        key = self.key()
        if key is not None:
            self.table.pop(key, None)


def state_of(server: Any) -> ServerState:
    """The toolkit's state of `server`, made on first use (any SDK server, preset or not)."""
    state = getattr(server, ATTRIBUTE, None)
    if not isinstance(state, ServerState):
        state = ServerState()
        setattr(server, ATTRIBUTE, state)
    return state


def call_state(ctx: Context) -> ServerState:
    """The toolkit's state of the server serving `ctx`."""
    return state_of(sdk.server_of(ctx))


def session_state(ctx: Context) -> SessionState | None:
    """The state of the session of `ctx`; None outside a request."""
    return call_state(ctx).session(ctx)
