"""The reference MCP client: declares every client capability and survives expired sessions."""

from .answers import ScriptedAnswers, accept_defaults, decline_all
from .callbacks import ElicitationHandler, ElicitationRequest, LogCallback, ProgressCallback
from .capabilities import Capabilities
from .connection import Client, connect
from .errors import (
    AnswersExhausted,
    AuthenticationFailed,
    ClientClosed,
    ClientError,
    ConfigurationError,
    ConnectionLost,
    HTTPStatusError,
    InvalidAnswers,
    InvalidForm,
    RequestFailed,
    RequestTimeout,
    ServerUnreachable,
    SessionError,
    SessionExpired,
    TransportError,
)
from .samplers import BedrockSampler, ClientSampler, OfflineSampler, RejectSampling
from .schema_examples import example_arguments, form_defaults
from .terminal_form import TerminalForm
from .transport import ReconnectPolicy

__all__ = [
    "AnswersExhausted",
    "AuthenticationFailed",
    "BedrockSampler",
    "Capabilities",
    "Client",
    "ClientClosed",
    "ClientError",
    "ClientSampler",
    "ConfigurationError",
    "ConnectionLost",
    "ElicitationHandler",
    "ElicitationRequest",
    "HTTPStatusError",
    "InvalidAnswers",
    "InvalidForm",
    "LogCallback",
    "OfflineSampler",
    "ProgressCallback",
    "ReconnectPolicy",
    "RejectSampling",
    "RequestFailed",
    "RequestTimeout",
    "ScriptedAnswers",
    "ServerUnreachable",
    "SessionError",
    "SessionExpired",
    "TerminalForm",
    "TransportError",
    "accept_defaults",
    "connect",
    "decline_all",
    "example_arguments",
    "form_defaults",
]
