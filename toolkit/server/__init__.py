"""The server preset: settings, the streamable-HTTP app, the event store, log levels and subscriptions."""

from .capabilities import ClientFeatures, client_features, require_elicitation, require_sampling
from .client_requests import CANCEL_GRACE, send_client_request
from .event_store import BoundedEventStore, SessionEventStore
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
from .preset import ServerSettings, StatefulFastMCP, stateful_server, toolkit_version
from .subscriptions import ResourceSubscriptions, enable_resource_subscriptions

__all__ = [
    "CANCEL_GRACE",
    "LOG_LEVELS",
    "MAX_MESSAGE_CHARS",
    "SERVER_LOG_LEVELS",
    "BoundedEventStore",
    "ClientFeatures",
    "ResourceSubscriptions",
    "ServerSettings",
    "SessionEventStore",
    "StatefulFastMCP",
    "TruncateLongMessages",
    "client_features",
    "client_log_level",
    "configure_server_logging",
    "enable_resource_subscriptions",
    "install_log_level_handler",
    "require_elicitation",
    "require_sampling",
    "send_client_request",
    "send_log",
    "should_send",
    "stateful_server",
    "toolkit_version",
]
