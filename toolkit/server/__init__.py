"""The server preset: settings, the HTTP app, per-server state, content, events, logs, subscriptions, rounds, caches."""

from . import content
from .capabilities import ClientFeatures, client_features, require_elicitation, require_sampling
from .context import (
    MCP_SESSION_ID_HEADER,
    Context,
    ToolError,
    http_request,
    notify_session,
    request_header,
    session_id,
)
from .event_store import BoundedEventStore, SessionEventStore
from .freshness import CACHEABLE_METHODS, CacheHint, CacheScope, ListKind, notify_list_changed
from .logs import (
    LOG_LEVELS,
    MAX_MESSAGE_CHARS,
    SERVER_LOG_LEVELS,
    TruncateLongMessages,
    client_log_level,
    configure_server_logging,
    install_log_level_handler,
    send_log,
    should_send,
)
from .preset import (
    DEFAULT_ELICITATION_TIMEOUT,
    DEFAULT_REQUEST_STATE_TTL,
    ELICITATION_TIMEOUT_ENV,
    REQUEST_STATE_KEYS_ENV,
    REQUEST_STATE_TTL_ENV,
    ServerSettings,
    StatefulServer,
    elicitation_timeout_from,
    enter_with_app,
    stateful_server,
    toolkit_version,
)
from .roots import list_roots
from .rounds import ask_client, flow_id, once, replayable
from .state import ServerState, SessionState, call_state, session_state, state_of
from .subscriptions import ResourceSubscriptions, enable_resource_subscriptions

__all__ = [
    "CACHEABLE_METHODS",
    "DEFAULT_ELICITATION_TIMEOUT",
    "DEFAULT_REQUEST_STATE_TTL",
    "ELICITATION_TIMEOUT_ENV",
    "LOG_LEVELS",
    "MAX_MESSAGE_CHARS",
    "MCP_SESSION_ID_HEADER",
    "REQUEST_STATE_KEYS_ENV",
    "REQUEST_STATE_TTL_ENV",
    "SERVER_LOG_LEVELS",
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
    "SessionState",
    "StatefulServer",
    "ToolError",
    "TruncateLongMessages",
    "ask_client",
    "call_state",
    "client_features",
    "client_log_level",
    "configure_server_logging",
    "content",
    "elicitation_timeout_from",
    "enable_resource_subscriptions",
    "enter_with_app",
    "flow_id",
    "http_request",
    "install_log_level_handler",
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
    "session_state",
    "should_send",
    "state_of",
    "stateful_server",
    "toolkit_version",
]
