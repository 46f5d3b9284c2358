"""The reference MCP client: declares every client capability and survives expired sessions.

It runs on either MCP SDK line (mcp 1.x or 2.x) and reads the same on both: results, tools and
the requests handlers receive are the client's own types or plain dicts in wire form, never
SDK models. The units: `demo_client.client` (the client proper), `demo_client.handlers`
(answers and samplers), `demo_client.ui` (the terminal), `demo_client.lab` (the negotiation
lab), `demo_client.cli` (the command line).

The library (`connect`, handlers, samplers, the negotiation lab) needs only the core
dependencies. The terminal pieces `Display`, `ProgressState` and `TerminalForm` need rich (the
`client` extra) and are imported on first use; `SigV4Auth` imports botocore (the `aws` extra)
when one is made.
"""

import typing

from .client.agentcore import BearerAuth, SigV4Auth, connect_agentcore, invoke_url
from .client.callbacks import LogCallback, ProgressCallback
from .client.capabilities import Capabilities
from .client.connection import PROTOCOLS, Client, connect
from .client.protocol import Implementation, LoggingLevel, Tool, ToolResult
from .client.transport import ReconnectPolicy
from .errors import (
    AnswersExhausted,
    AuthenticationFailed,
    ClientClosed,
    ClientError,
    ConfigurationError,
    ConnectionLost,
    HTTPStatusError,
    InputRoundsExceeded,
    InvalidAnswers,
    InvalidForm,
    RequestFailed,
    RequestRefused,
    RequestTimeout,
    ServerUnreachable,
    SessionError,
    SessionExpired,
    TransportError,
)
from .handlers.answers import ScriptedAnswers, accept_defaults, decline_all
from .handlers.requests import Answer, ElicitationHandler, ElicitationRequest, FormRequest, SamplingHandler, UrlRequest
from .handlers.samplers import BedrockSampler, ClientSampler, OfflineSampler, RejectSampling
from .handlers.schema_examples import example_arguments, form_defaults
from .lab.answers import LabAnswers
from .lab.negotiation import (
    CellDifference,
    NegotiationMatrix,
    ProfileRun,
    differences,
    negotiate,
    negotiate_revisions,
    side_effect_tools,
    spoken_revisions,
)
from .lab.outcomes import CallOutcome, Outcome
from .lab.profiles import PROFILES, Profile
from .lab.request_audit import RequestAudit, ServerRequestSeen

if typing.TYPE_CHECKING:
    from .ui.display import Display, ProgressState
    from .ui.terminal_form import TerminalForm

# Names whose module imports rich at the top: loaded on first use, so the library runs without it.
_TERMINAL_NAMES = {"Display": "ui.display", "ProgressState": "ui.display", "TerminalForm": "ui.terminal_form"}

__all__ = [
    "PROFILES",
    "PROTOCOLS",
    "Answer",
    "AnswersExhausted",
    "AuthenticationFailed",
    "BearerAuth",
    "BedrockSampler",
    "CallOutcome",
    "Capabilities",
    "CellDifference",
    "Client",
    "ClientClosed",
    "ClientError",
    "ClientSampler",
    "ConfigurationError",
    "ConnectionLost",
    "Display",
    "ElicitationHandler",
    "ElicitationRequest",
    "FormRequest",
    "HTTPStatusError",
    "Implementation",
    "InputRoundsExceeded",
    "InvalidAnswers",
    "InvalidForm",
    "LabAnswers",
    "LogCallback",
    "LoggingLevel",
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
    "RequestRefused",
    "RequestTimeout",
    "SamplingHandler",
    "ScriptedAnswers",
    "ServerRequestSeen",
    "ServerUnreachable",
    "SessionError",
    "SessionExpired",
    "SigV4Auth",
    "TerminalForm",
    "Tool",
    "ToolResult",
    "TransportError",
    "UrlRequest",
    "accept_defaults",
    "connect",
    "connect_agentcore",
    "decline_all",
    "differences",
    "example_arguments",
    "form_defaults",
    "invoke_url",
    "negotiate",
    "negotiate_revisions",
    "side_effect_tools",
    "spoken_revisions",
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
