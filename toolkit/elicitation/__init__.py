"""Asking the user mid-call: forms, one-question helpers, flows and URL mode."""

from .fields import Titles, field_property, wire_name, wire_value
from .flows import Flow, FlowAnswers, FlowCompleted, FlowStopped, Step
from .forms import Form, parse_form_content, requested_schema
from .questions import Confirmation, ask, choose, confirm
from .requests import (
    DEFAULT_MAX_ATTEMPTS,
    Accepted,
    Cancelled,
    Declined,
    ElicitAnswer,
    ElicitationOutcome,
    elicit,
    send_elicitation,
)
from .schema import (
    STRING_FORMATS,
    FieldProblem,
    check_requested_schema,
    choice_values,
    form_content_problems,
    property_problems,
    requested_schema_problems,
    value_problem,
)
from .url import UrlAccepted, UrlElicitations, elicit_url, new_elicitation_id, url_elicitation_required, user_identity

__all__ = [
    "DEFAULT_MAX_ATTEMPTS",
    "STRING_FORMATS",
    "Accepted",
    "Cancelled",
    "Confirmation",
    "Declined",
    "ElicitAnswer",
    "ElicitationOutcome",
    "FieldProblem",
    "Flow",
    "FlowAnswers",
    "FlowCompleted",
    "FlowStopped",
    "Form",
    "Step",
    "Titles",
    "UrlAccepted",
    "UrlElicitations",
    "ask",
    "check_requested_schema",
    "choice_values",
    "choose",
    "confirm",
    "elicit",
    "elicit_url",
    "field_property",
    "form_content_problems",
    "new_elicitation_id",
    "parse_form_content",
    "property_problems",
    "requested_schema",
    "requested_schema_problems",
    "send_elicitation",
    "url_elicitation_required",
    "user_identity",
    "value_problem",
    "wire_name",
    "wire_value",
]
