"""The server preset: settings, the HTTP app, per-server state, content, events, logs, subscriptions, rounds, caches."""

from . import content
from .capabilities import ClientFeatures, client_features, require_elicitation, require_sampling
from .context import (
    Context,
    http_request,
    notify_session,
    request_header,
    session_id,
)
from .event_store import BoundedEventStore, SessionEventStore
from .freshness import CacheHint, CacheScope, ListKind, notify_list_changed
from .logs import LOG_LEVELS, TruncateLongMessages, client_log_level, configure_server_logging, send_log
from .preset import ServerSettings, StatefulServer, stateful_server, toolkit_version
from .roots import list_roots
from .rounds import ask_client, flow_id, once, replayable
from .state import ServerState
from .subscriptions import ResourceSubscriptions, enable_resource_subscriptions

__all__ = [
    "LOG_LEVELS",
    "BoundedEventStore",
    "CacheHint",
    "CacheScope",
    "ClientFeatures",
    "Context",
    "ListKind",
    "ResourceSubscriptions",
    "ServerSettings",
    "ServerState",
    "SessionEventStore",
    "StatefulServer",
    "TruncateLongMessages",
    "ask_client",
    "client_features",
    "client_log_level",
    "configure_server_logging",
    "content",
    "enable_resource_subscriptions",
    "flow_id",
    "http_request",
    "list_roots",
    "notify_list_changed",
    "notify_session",
    "once",
    "replayable",
    "request_header",
    "require_elicitation",
    "require_sampling",
    "send_log",
    "session_id",
    "stateful_server",
    "toolkit_version",
]
