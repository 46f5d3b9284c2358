"""The reference MCP client: declares every client capability and survives expired sessions.

The library (`connect`, handlers, samplers, the negotiation lab) needs only the core
dependencies. The terminal pieces `Display`, `ProgressState` and `TerminalForm` need rich (the
`client` extra) and are imported on first use; `SigV4Auth` imports botocore (the `aws` extra)
when one is made.
"""

import typing

from .agentcore import BearerAuth, SigV4Auth, connect_agentcore, invoke_url
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
from .negotiation import NegotiationMatrix, ProfileRun, negotiate, side_effect_tools
from .negotiation_answers import LabAnswers
from .outcomes import CallOutcome, Outcome
from .profiles import PROFILES, Profile
from .request_audit import RequestAudit, ServerRequestSeen
from .samplers import BedrockSampler, ClientSampler, OfflineSampler, RejectSampling
from .schema_examples import example_arguments, form_defaults
from .transport import ReconnectPolicy

if typing.TYPE_CHECKING:
    from .display import Display, ProgressState
    from .terminal_form import TerminalForm

# Names whose module imports rich at the top: loaded on first use, so the library runs without it.
_TERMINAL_NAMES = {"Display": "display", "ProgressState": "display", "TerminalForm": "terminal_form"}

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
    "side_effect_tools",
]


def __getattr__(name: str) -> typing.Any:
    """Load the terminal names on first use; `toolkit.MissingExtra` names the `client` extra if rich is absent."""
    module = _TERMINAL_NAMES.get(name)
    if module is None:
        raise AttributeError(f"module 'demo_client' has no attribute {name!r}")
    from toolkit.optional import import_extra

    loaded = import_extra(f"{__name__}.{module}", feature=f"demo_client.{name}", extra="client", packages=("rich",))
    value = getattr(loaded, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
