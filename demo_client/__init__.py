"""The reference MCP client: declares every client capability and survives expired sessions."""

from .agentcore import BearerAuth, SigV4Auth, connect_agentcore, invoke_url
from .answers import ScriptedAnswers, accept_defaults, decline_all
from .callbacks import ElicitationHandler, ElicitationRequest, LogCallback, ProgressCallback
from .capabilities import Capabilities
from .connection import Client, connect
from .display import Display, ProgressState
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
from .negotiation import NegotiationMatrix, ProfileRun, negotiate
from .negotiation_answers import LabAnswers
from .outcomes import CallOutcome, Outcome
from .profiles import PROFILES, Profile
from .request_audit import RequestAudit, ServerRequestSeen
from .samplers import BedrockSampler, ClientSampler, OfflineSampler, RejectSampling
from .schema_examples import example_arguments, form_defaults
from .terminal_form import TerminalForm
from .transport import ReconnectPolicy

__all__ = [
    "PROFILES",
    "AnswersExhausted",
    "AuthenticationFailed",
    "BearerAuth",
    "BedrockSampler",
    "CallOutcome",
    "Capabilities",
    "Client",
    "ClientClosed",
    "ClientError",
    "ClientSampler",
    "ConfigurationError",
    "ConnectionLost",
    "Display",
    "ElicitationHandler",
    "ElicitationRequest",
    "HTTPStatusError",
    "InvalidAnswers",
    "InvalidForm",
    "LabAnswers",
    "LogCallback",
    "NegotiationMatrix",
    "OfflineSampler",
    "Outcome",
    "Profile",
    "ProfileRun",
    "ProgressCallback",
    "ProgressState",
    "ReconnectPolicy",
    "RejectSampling",
    "RequestAudit",
    "RequestFailed",
    "RequestTimeout",
    "ScriptedAnswers",
    "ServerRequestSeen",
    "ServerUnreachable",
    "SessionError",
    "SessionExpired",
    "SigV4Auth",
    "TerminalForm",
    "TransportError",
    "accept_defaults",
    "connect",
    "connect_agentcore",
    "decline_all",
    "example_arguments",
    "form_defaults",
    "invoke_url",
    "negotiate",
]
