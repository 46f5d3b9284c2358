"""Asking the user mid-call: forms, one-question helpers, flows and URL mode.

Every way of asking returns the same outcome family, `Accepted | Declined | Cancelled`.
The schema checkers work on plain `requestedSchema` dicts, so a client can use them too.
"""

from .fields import Titles
from .flows import Flow, FlowAnswers, Step
from .forms import Form, parse_form_content, requested_schema
from .questions import ask, choose, confirm
from .requests import (
    CONFIGURED,
    DEFAULT_TIMEOUT,
    Accepted,
    Cancelled,
    Declined,
    ElicitationOutcome,
    Timeout,
    configured_timeout,
    elicit,
    resolve_timeout,
    send_elicitation,
)
from .schema import FieldProblem, check_requested_schema, form_content_problems, requested_schema_problems
from .url import UrlElicitations, elicit_url, url_elicitation_required, user_identity

__all__ = [
    "CONFIGURED",
    "DEFAULT_TIMEOUT",
    "Accepted",
    "Cancelled",
    "Declined",
    "ElicitationOutcome",
    "FieldProblem",
    "Flow",
    "FlowAnswers",
    "Form",
    "Step",
    "Timeout",
    "Titles",
    "UrlElicitations",
    "ask",
    "check_requested_schema",
    "choose",
    "configured_timeout",
    "confirm",
    "elicit",
    "elicit_url",
    "form_content_problems",
    "parse_form_content",
    "requested_schema",
    "requested_schema_problems",
    "resolve_timeout",
    "send_elicitation",
    "url_elicitation_required",
    "user_identity",
]
