"""`elicit`: ask the user to fill in a form, re-ask on bad answers, and return a typed outcome.

```python
match await elicit(ctx, "What did you spend?", Expense):
    case Accepted(data=expense):
        ...  # an Expense instance, validated
    case Declined():
        ...  # the user said no
    case Cancelled(reason=reason):
        ...  # dismissed, or unanswered within the timeout
```

Every wait for an answer is bounded: by the call's `timeout=`, else by the server's
`elicitation_timeout` setting (`MCP_ELICITATION_TIMEOUT`: seconds, or `none`), else by
`DEFAULT_TIMEOUT` (300 s). A client
that never answers thus ends in `Cancelled(timed_out=True)`, with the request cancelled on the
wire, instead of pinning the tool call and its session. `timeout=None` waits without a limit.

Content that does not fit the form is never an exception on the first try: the user is
asked again with a message naming each wrong field and why, and with the fields they got
right prefilled as defaults. Only after `max_attempts` does `ElicitationAttemptsExhausted`
end the tool call.

The same code runs on both protocol revisions (see `toolkit.server.rounds`): on a 2025-11-25
session each question is a request the tool waits for; on a 2026-07-28 request it ends the
round with an input-required result, and the body replays with the answer on the next round.
There an answer that is not even an elicitation result is asked again too, within the same
`max_attempts`; the timeout does not apply, since nothing waits between rounds.
"""

from __future__ import annotations

import copy
import enum
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Generic, Literal, TypeAlias, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from .._sdk import ClientRequestError, ClientRequestTimeout, sdk
from ..errors import (
    ConfigurationError,
    ElicitationAttemptsExhausted,
    ElicitationRequestFailed,
    InvalidElicitationResponse,
    InvalidFormContent,
)
from ..server.capabilities import require_elicitation
from ..server.preset import DEFAULT_ELICITATION_TIMEOUT, ELICITATION_TIMEOUT_ENV, elicitation_timeout_from
from ..server.rounds import ask_client, attempt_key, is_replayed
from ..server.state import call_state
from .forms import parse_form_content, requested_schema

if TYPE_CHECKING:
    from .._sdk import Context
    from ..server.preset import ServerSettings
    from .schema import FieldProblem

__all__ = [
    "CONFIGURED",
    "DEFAULT_MAX_ATTEMPTS",
    "DEFAULT_TIMEOUT",
    "TIMEOUT_ENV",
    "Accepted",
    "Cancelled",
    "ConfiguredTimeout",
    "Declined",
    "ElicitAnswer",
    "ElicitationOutcome",
    "Timeout",
    "configured_timeout",
    "elicit",
    "resolve_timeout",
    "send_elicitation",
]

T = TypeVar("T")
ModelT = TypeVar("ModelT", bound=BaseModel)

#: How often `elicit` asks before giving up on invalid answers.
DEFAULT_MAX_ATTEMPTS = 3
#: Seconds to wait for each answer when neither the call nor the server sets a timeout;
#: generous, because a person is reading and typing.
DEFAULT_TIMEOUT = DEFAULT_ELICITATION_TIMEOUT
#: The environment variable with the server-wide timeout: seconds, or `none` for no limit.
TIMEOUT_ENV = ELICITATION_TIMEOUT_ENV


class ConfiguredTimeout(enum.Enum):
    """The type of `CONFIGURED`, the default `timeout` of every form helper."""

    CONFIGURED = "configured"


#: `timeout=CONFIGURED` (the default) means the server-wide setting; see `resolve_timeout`.
CONFIGURED: Final = ConfiguredTimeout.CONFIGURED

#: A `timeout=` argument: seconds, None for no limit, or `CONFIGURED` for the server's setting.
Timeout: TypeAlias = float | Literal[ConfiguredTimeout.CONFIGURED] | None


# No slots: with them, subscripted construction (`Accepted[int](1)`) fails on Python 3.11.
@dataclass(frozen=True)
class Accepted(Generic[T]):
    """The user submitted the form; `data` is the validated answer."""

    data: T
    action: Literal["accept"] = field(default="accept", init=False)


@dataclass(frozen=True, slots=True)
class Declined:
    """The user explicitly said no."""

    action: Literal["decline"] = field(default="decline", init=False)


@dataclass(frozen=True, slots=True)
class Cancelled:
    """The user dismissed the request, or it went unanswered and was cancelled.

    Attributes:
        reason: Why, in words a tool can pass on to the user.
        timed_out: True when the server gave up waiting (and cancelled the request on the wire).
    """

    reason: str = "the user cancelled"
    timed_out: bool = False
    action: Literal["cancel"] = field(default="cancel", init=False)


#: What `elicit` returns: `ElicitationOutcome[Expense]` is `Accepted[Expense] | Declined | Cancelled`.
ElicitationOutcome: TypeAlias = Accepted[T] | Declined | Cancelled


class ElicitAnswer(BaseModel):
    """The client's result for `elicitation/create`, read loosely so bad content can be re-asked."""

    model_config = ConfigDict(extra="allow")

    action: str
    content: Any = None


async def elicit(
    ctx: Context,
    message: str,
    model: type[ModelT],
    *,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    # Unlike a caller's fail_after, this timeout ends in Cancelled and cancels on the wire.
    timeout: Timeout = CONFIGURED,  # noqa: ASYNC109
    key: str | None = None,
) -> Accepted[ModelT] | Declined | Cancelled:
    """Ask the user to fill in `model` as a form and return what they did.

    The form is checked and the client's `elicitation.form` capability verified before
    anything is sent. Invalid content (accept without content, extra keys, wrong JSON
    types, values the model rejects) is re-asked, naming each problem.

    Args:
        ctx: The tool's context.
        message: What to ask, shown above the form.
        model: A Pydantic model (ideally a `toolkit.Form`) whose fields are the questions.
        max_attempts: How many times to ask in total before giving up on invalid answers.
        timeout: Seconds to wait for each answer; when they pass, the request is cancelled
            on the wire and the outcome is `Cancelled(timed_out=True)`. By default the
            server's `elicitation_timeout` (`MCP_ELICITATION_TIMEOUT`, else 300 s); None
            waits for as long as the tool call lives.
        key: The question's key on 2026-07-28 (attempts after the first add `.2`, `.3`,
            ...); by default its order of asking in the tool. Ignored on 2025-11-25.

    Returns:
        `Accepted(data)` with a validated `model` instance, `Declined()` or `Cancelled(reason)`.

    Raises:
        UnsupportedFieldType: `model` has a field the protocol's forms cannot carry.
        ElicitationUnsupported: The client did not declare `elicitation.form`.
        ElicitationAttemptsExhausted: Every attempt came back invalid.
        ElicitationRequestFailed: The client answered with a JSON-RPC error.
        InvalidElicitationResponse: The client's result is not a valid elicitation result.
        ConfigurationError: A limit is out of range, or `MCP_ELICITATION_TIMEOUT` is malformed.
    """
    schema = requested_schema(model)
    check_limits(max_attempts, timeout)
    seconds = resolve_timeout(timeout, ctx)
    require_elicitation(ctx, "form")
    prompt, asked = message, schema
    problems: Sequence[FieldProblem | str] = ()
    for attempt in range(1, max_attempts + 1):
        try:
            answer = await _ask_form(ctx, prompt, asked, seconds, attempt_key(key, attempt))
        except InvalidElicitationResponse as exc:
            # Between rounds a bad answer costs nothing to ask again; in a session the client
            # itself is broken, and asking it again would not help.
            if not is_replayed(ctx):
                raise
            problems = [str(exc)]
            prompt = retry_message(message, problems, attempt + 1, max_attempts)
            continue
        if not isinstance(answer, ElicitAnswer):
            return answer
        try:
            return Accepted(parse_form_content(model, answer.content))
        except InvalidFormContent as exc:
            problems = exc.problems
            prompt = retry_message(message, exc.problems, attempt + 1, max_attempts)
            asked = prefilled(schema, exc.kept)
    raise ElicitationAttemptsExhausted(max_attempts, [str(problem) for problem in problems])


def check_limits(max_attempts: int, timeout: Timeout) -> None:
    """Reject an attempt count below one or a timeout that is not positive."""
    if max_attempts < 1:
        raise ConfigurationError(f"max_attempts must be at least 1, not {max_attempts}.")
    if timeout is None or timeout is CONFIGURED:
        return
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0:
        raise ConfigurationError(
            f"timeout must be a positive number of seconds, None for no limit, or CONFIGURED, not {timeout!r}."
        )


def configured_timeout(environ: Mapping[str, str] | None = None) -> float | None:
    """The wait `MCP_ELICITATION_TIMEOUT` sets, else `DEFAULT_TIMEOUT`.

    This is what a server not built by `stateful_server` uses, reading the variable each
    time a form is sent; a preset server reads it once, into its `elicitation_timeout`.

    Args:
        environ: Where to read the variable; `os.environ` when None.

    Returns:
        Seconds, or None when the variable is `none` (wait as long as the tool call lives).

    Raises:
        ConfigurationError: The variable is neither a positive number of seconds nor `none`.
    """
    return elicitation_timeout_from(os.environ if environ is None else environ)


def resolve_timeout(timeout: Timeout, ctx: Context | None = None) -> float | None:
    """The seconds to wait: `timeout` itself, or for `CONFIGURED` the server-wide setting.

    The server-wide setting is the `elicitation_timeout` of the `stateful_server` serving
    `ctx`; for any other server (or without `ctx`) it is `configured_timeout()`.
    """
    if timeout is not CONFIGURED:
        return timeout
    settings = _server_settings(ctx)
    return settings.elicitation_timeout if settings is not None else configured_timeout()


def _server_settings(ctx: Context | None) -> ServerSettings | None:
    if ctx is None or not sdk.in_request(ctx):
        return None
    return call_state(ctx).settings


def retry_message(message: str, problems: Sequence[FieldProblem | str], attempt: int, max_attempts: int) -> str:
    """The message for asking again: what was wrong with the last answer, then the question."""
    listed = "\n".join(f"- {problem}" for problem in problems)
    return (
        f"Your last answer could not be used:\n{listed}\n"
        f"Please correct it (attempt {attempt} of {max_attempts}).\n\n{message}"
    )


def prefilled(schema: dict[str, Any], kept: dict[str, Any]) -> dict[str, Any]:
    """A copy of `schema` whose defaults are the answer's values that were fine."""
    refilled = copy.deepcopy(schema)
    for key, value in kept.items():
        refilled["properties"][key]["default"] = value
    return refilled


async def send_elicitation(
    ctx: Context, params: dict[str, Any], seconds: float | None, key: str | None = None
) -> ElicitAnswer | Declined | Cancelled:
    """Send one `elicitation/create` with `params` (wire form) and sort the answer.

    Args:
        ctx: The tool's context.
        params: The request's params, e.g. `{"mode": "form", "message": ..., "requestedSchema": ...}`.
        seconds: Seconds to wait for the answer; None waits as long as the tool call lives.
        key: The question's key on 2026-07-28; by default its order of asking.

    Returns:
        The raw answer when the user accepted, else `Declined()` or `Cancelled(...)`.

    Raises:
        ElicitationRequestFailed: The client answered with a JSON-RPC error.
        InvalidElicitationResponse: The client's result is not an elicitation result.
    """
    reason = f"no answer within {seconds:g} s" if seconds is not None else ""
    try:
        raw = await ask_client(ctx, "elicitation/create", params, seconds=seconds, timeout_reason=reason, key=key)
    except ClientRequestTimeout:
        return Cancelled(reason=reason, timed_out=True)
    except ClientRequestError as exc:
        raise ElicitationRequestFailed(exc.code, exc.message) from exc
    try:
        answer = ElicitAnswer.model_validate(raw)
    except ValidationError as exc:
        raise InvalidElicitationResponse(
            f"The client's answer to the elicitation is not an elicitation result: {exc.errors()[0]['msg']}. "
            "The client must answer with an 'action' of accept, decline or cancel."
        ) from exc
    return _sorted(answer)


async def _ask_form(
    ctx: Context, message: str, schema: dict[str, Any], seconds: float | None, key: str | None
) -> ElicitAnswer | Declined | Cancelled:
    params = {"mode": "form", "message": message, "requestedSchema": schema}
    return await send_elicitation(ctx, params, seconds, key)


def _sorted(answer: ElicitAnswer) -> ElicitAnswer | Declined | Cancelled:
    if answer.action == "accept":
        return answer
    if answer.action == "decline":
        return Declined()
    if answer.action == "cancel":
        return Cancelled()
    raise InvalidElicitationResponse(
        f"The client answered the elicitation with action {answer.action!r}; "
        "the protocol allows only accept, decline or cancel."
    )
