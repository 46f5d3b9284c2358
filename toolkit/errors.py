"""Every exception the toolkit raises, in one tree.

    ToolkitError
    ├── ToolError                     a tool's own failure, its message meant for the caller
    ├── ConfigurationError            the code or the deployment asks for something the toolkit cannot do
    │   ├── MissingExtra              (also an ImportError) a feature's optional dependencies are not installed
    │   ├── InvalidArgument           (also a ValueError) a value the toolkit cannot use: a progress number,
    │   │                             a prompt or sampling option, a task id, job arguments, a header value,
    │   │                             a requestedSchema
    │   ├── InvalidDefinition         (also a TypeError) a form the protocol cannot carry
    │   └── ReplayError               a 2026-07-28 call cannot replay: a question changed, or the state is foreign
    ├── CapabilityError               the client did not declare what a helper needs; `.capability` names it
    ├── RootsFailed                   `roots/list` got an error, a malformed result, or no answer in time
    ├── ElicitationError              an elicitation could not produce an answer
    │   ├── InvalidFormContent        (also a ValueError) an answer that does not fit its form
    │   ├── ElicitationAttemptsExhausted   the user kept sending invalid answers
    │   ├── ElicitationFailed         the client answered with a JSON-RPC error or a malformed result
    │   ├── UnknownElicitation        (also a LookupError) no pending URL elicitation with this id for this user
    │   └── UrlElicitationRequired    (also the SDK's URL-elicitation-required error) answer -32042 from a tool
    ├── SamplingError                 a sampling request did not produce usable text
    │   ├── SamplingRejected          the user rejected the request (client error -1)
    │   ├── SamplingTimeout           no answer in time; the request was cancelled on the wire
    │   ├── StructuredOutputInvalid   structured output stayed invalid after every retry
    │   └── SamplingFailed            any other failure: a client error, a malformed or non-text answer,
    │                                 a server-side sampler (e.g. Bedrock) that failed
    └── TaskError                     a background task could not be started, found or read
        ├── TaskNotFound              unknown id, or a task owned by someone else
        ├── TaskNotFinished           results asked for while the task is still pending or running
        ├── TooManyTasks              the manager already holds as many tasks as it may
        └── TaskStoreError            the task store (SQLite, DynamoDB) failed

A category is what a caller handles differently: fix the code or the deployment
(`ConfigurationError`), connect a client that can do more (`CapabilityError`), or tell the user
that asking, sampling or a task did not work out. Leaves exist where a caller acts differently
again, e.g. retry later on `SamplingTimeout` but not on `SamplingRejected`.

Errors from the layers below (the MCP SDK, sqlite3, botocore) are translated at our
boundaries and re-raised `from` the original, so callers only need these types.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ._sdk import sdk

if TYPE_CHECKING:
    from .elicitation.schema import FieldProblem

__all__ = [
    "CapabilityError",
    "ConfigurationError",
    "ElicitationAttemptsExhausted",
    "ElicitationError",
    "ElicitationFailed",
    "InvalidArgument",
    "InvalidDefinition",
    "InvalidFormContent",
    "MissingExtra",
    "ReplayError",
    "RootsFailed",
    "SamplingError",
    "SamplingFailed",
    "SamplingRejected",
    "SamplingTimeout",
    "StructuredOutputInvalid",
    "TaskError",
    "TaskNotFinished",
    "TaskNotFound",
    "TaskStoreError",
    "TooManyTasks",
    "ToolError",
    "ToolkitError",
    "UnknownElicitation",
    "UrlElicitationRequired",
]


class ToolkitError(sdk.ToolErrorBase):  # type: ignore[misc,name-defined]
    """Root of every error raised by the toolkit; raised from a tool, the caller reads its message."""


class ToolError(ToolkitError):
    """A tool's own failure whose message is meant for the caller.

    Raised from a tool, the call answers with `isError` and this message on both SDK lines
    (mcp 2.x withholds the message of any other exception, saying only "Error executing tool").
    Subclass it for a tool's anticipated errors.
    """


# -- the code or the deployment must change ----------------------------------------------


class ConfigurationError(ToolkitError):
    """The code or the deployment asks for something the toolkit cannot do.

    A setting, an environment variable, an argument or a definition holds something the
    toolkit cannot use. Nothing was sent or started; the message names what to change.
    """


class MissingExtra(ConfigurationError, ImportError):
    """A feature needs a package of an optional extra that is not installed.

    Attributes:
        feature: What needed the package, e.g. ``BedrockSampler``.
        extra: The extra that installs it, e.g. ``aws``.
        package: The missing module, e.g. ``boto3``.
    """

    def __init__(self, feature: str, extra: str, package: str) -> None:
        self.feature, self.extra, self.package = feature, extra, package
        super().__init__(
            f"{feature} needs {package}, which is not installed; install the '{extra}' extra: "
            f"pip install 'stateful-mcp-toolkit[{extra}]'.",
            name=package,
        )


class InvalidArgument(ConfigurationError, ValueError):
    """A value given to the toolkit cannot be used, so nothing was sent or started.

    Progress numbers, prompts and sampling options, task ids, a job's arguments, header values
    and `requestedSchema`s are checked before they are used; the message names the value and
    what to pass instead. The class methods build the message for each kind of value.

    Attributes:
        argument: What was rejected: a parameter (``"total"``), a header, ``"task_id"``,
            ``"arguments"`` (of a job) or ``"requestedSchema"``; None when the message alone says it.
    """

    def __init__(self, message: str, *, argument: str | None = None) -> None:
        self.argument = argument
        super().__init__(message)

    @classmethod
    def for_value(cls, name: str, value: object, rule: str) -> InvalidArgument:
        """`name=value` breaks `rule`, which says what to pass instead."""
        return cls(f"{name}={value!r} cannot be used: {rule}.", argument=name)

    @classmethod
    def for_header(cls, header: str, reason: str) -> InvalidArgument:
        """A request header's value failed validation, so it was not used (the value is not echoed)."""
        return cls(f"Header '{header}' is invalid: {reason}.", argument=header)

    @classmethod
    def for_task_id(cls, task_id: object) -> InvalidArgument:
        """`task_id` is not well formed (task ids are 32 lower-case hex characters)."""
        shown = repr(task_id)[:80]
        return cls(
            f"{shown} is not a valid task id: task ids are the 32 lower-case hex characters returned on start.",
            argument="task_id",
        )

    @classmethod
    def for_job(cls, kind: str, detail: str) -> InvalidArgument:
        """The arguments do not fit job `kind`'s signature, so no task was started."""
        return cls(f"Cannot start '{kind}': {detail}. Fix the arguments and start it again.", argument="arguments")

    @classmethod
    def for_requested_schema(cls, problems: Sequence[FieldProblem]) -> InvalidArgument:
        """A `requestedSchema` breaks the protocol's rules for form mode; `problems` are every rule it breaks."""
        detail = "; ".join(str(problem) for problem in problems)
        return cls(
            f"The requestedSchema is not a valid form-mode schema: {detail}. "
            "Forms must be flat objects whose properties are strings, numbers, booleans or enums.",
            argument="requestedSchema",
        )


class InvalidDefinition(ConfigurationError, TypeError):
    """A form the protocol's flat forms cannot carry: not a Pydantic model, or a field with no wire shape.

    Raised when a `toolkit.Form` class is defined, or before anything is sent for a plain model.

    Attributes:
        model: The model's name, or None when what was given is not a model.
        field: The field that cannot go on the wire, or None.
    """

    def __init__(self, message: str, *, model: str | None = None, field: str | None = None) -> None:
        self.model = model
        self.field = field
        super().__init__(message)

    @classmethod
    def for_field(cls, model: str, field: str, problem: str, instead: str) -> InvalidDefinition:
        """`model.field` has `problem`; `instead` is what to use."""
        return cls(f"{model}.{field}: {problem}. Use {instead} instead.", model=model, field=field)

    @classmethod
    def for_form(cls, given: object) -> InvalidDefinition:
        """`given` was passed as a form but is not a Pydantic model class."""
        return cls(
            f"{given!r} is not a form: pass a pydantic.BaseModel subclass (or a toolkit.Form) "
            "whose fields are the questions to ask."
        )


# -- the client cannot do it -------------------------------------------------------------


class CapabilityError(ToolkitError):
    """The connected client did not declare a capability that the helper needs.

    Nothing was sent. Elicitation in a mode the client lacks (``elicitation.form``,
    ``elicitation.url``) and sampling it cannot do (``sampling``, ``sampling.context``,
    ``sampling.tools``) and listing roots without ``roots`` end here.

    Attributes:
        capability: The capability path that is missing, e.g. ``"elicitation.form"``.
    """

    def __init__(self, capability: str, message: str | None = None) -> None:
        self.capability = capability
        super().__init__(
            message
            or f"The client did not declare the '{capability}' capability, so the server cannot use it. "
            f"Connect with a client that declares '{capability}'."
        )


# -- roots and rounds --------------------------------------------------------------------


class RootsFailed(ToolkitError):
    """The client answered `roots/list` with an error or a malformed result, or not in time.

    Attributes:
        code: The JSON-RPC error code the client sent, or None when there was no error.
    """

    def __init__(self, code: int | None, detail: str) -> None:
        self.code = code
        suffix = f" (error {code})" if code is not None else ""
        super().__init__(f"The client could not list its roots: {detail}{suffix}.")


class ReplayError(ConfigurationError):
    """A 2026-07-28 call answered in rounds cannot be replayed.

    The tool asked a different question at a key than in an earlier round (its questions
    must not depend on the clock or randomness), or the echoed state was not made by this
    version of the toolkit.
    """


# -- elicitation -------------------------------------------------------------------------


class ElicitationError(ToolkitError):
    """An elicitation could not produce an answer."""


class InvalidFormContent(ElicitationError, ValueError):
    """An accepted answer does not fit its form: wrong fields, types or values.

    Attributes:
        problems: What is wrong, one entry per field (or for the whole answer).
        kept: The answer's values that were fine, by wire name, so a new attempt can prefill them.
    """

    def __init__(self, problems: Sequence[FieldProblem], kept: dict[str, Any] | None = None) -> None:
        self.problems = list(problems)
        self.kept = dict(kept or {})
        detail = "; ".join(str(problem) for problem in self.problems)
        super().__init__(f"The answer does not fit the form: {detail}.")


class ElicitationAttemptsExhausted(ElicitationError):
    """The user answered with invalid content on every allowed attempt.

    Attributes:
        attempts: How many times the user was asked.
        errors: The validation problems of the last answer, one line each.
    """

    def __init__(self, attempts: int, errors: list[str]) -> None:
        self.attempts = attempts
        self.errors = errors
        detail = "; ".join(errors) or "no valid content"
        super().__init__(
            f"The user's answer was still invalid after {attempts} attempt(s): {detail}. "
            "Raise max_attempts or make the form easier to fill in."
        )


class ElicitationFailed(ElicitationError):
    """The client answered `elicitation/create` with a JSON-RPC error, or with a result the protocol does not allow.

    Attributes:
        code: The JSON-RPC error code the client sent; None when its result was malformed.
    """

    def __init__(self, code: int | None, detail: str) -> None:
        self.code = code
        source = f"error {code}" if code is not None else "a malformed result"
        super().__init__(
            f"The client answered the elicitation with {source}: {detail}. "
            "Check that the client supports elicitation, or ask again later."
        )


class UnknownElicitation(ElicitationError, LookupError):
    """No pending URL elicitation has this id for this user (it never existed, finished or is not theirs)."""

    def __init__(self, elicitation_id: str) -> None:
        self.elicitation_id = elicitation_id
        shown = repr(elicitation_id)[:80]
        super().__init__(
            f"No pending URL elicitation {shown} belongs to this user. "
            "Start a new one; ids are single-use and bound to the user who started them."
        )


class UrlElicitationRequired(ElicitationError, sdk.UrlElicitationRequiredBase):  # type: ignore[misc,name-defined]
    """Raised from a tool to answer with -32042: the user must finish URL elicitations first.

    The SDK passes this error through as a JSON-RPC error, so the client sees the
    elicitations in `error.data` and can retry the tool call once they are complete.

    Args:
        elicitations: URL-mode `elicitation/create` params in wire form:
            `{"message": ..., "url": ..., "elicitationId": ...}` (`"mode": "url"` is implied).
        message: The error's message; the SDK's default when None.
    """

    def __init__(self, elicitations: Sequence[Mapping[str, Any]], message: str | None = None) -> None:
        wire = [_wire_form(item) for item in elicitations]
        sdk.init_url_elicitation_required(self, wire, message)


def _wire_form(item: Any) -> dict[str, Any]:
    # An SDK params model from older callers still works: its wire form is what is sent.
    dump = getattr(item, "model_dump", None)
    if callable(dump):
        return dict(dump(by_alias=True, mode="json", exclude_none=True))
    return dict(item)


# -- sampling ----------------------------------------------------------------------------


class SamplingError(ToolkitError):
    """A sampling request did not produce usable text."""


class SamplingRejected(SamplingError):
    """The user (or the client on their behalf) rejected the sampling request."""

    def __init__(self, detail: str = "") -> None:
        self.detail = detail
        suffix = f" ({detail})" if detail else ""
        super().__init__(f"The user rejected the sampling request{suffix}; no text was generated.")


class SamplingTimeout(SamplingError):
    """The client did not answer in time; the request was cancelled on the wire."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(
            f"The client did not answer the sampling request within {seconds:g} s; it was cancelled. "
            "Raise the timeout or try again."
        )


class StructuredOutputInvalid(SamplingError):
    """Structured sampling output failed validation on every retry."""

    def __init__(self, attempts: int, errors: str) -> None:
        self.attempts = attempts
        self.errors = errors
        super().__init__(f"The LLM's output did not match the expected structure after {attempts} attempt(s): {errors}")


class SamplingFailed(SamplingError):
    """Sampling failed in any other way: the client answered with an error or a malformed result,
    the LLM answered with something other than text, or a server-side sampler failed.

    Attributes:
        code: The JSON-RPC error code the client sent, or None.
    """

    def __init__(self, message: str, *, code: int | None = None) -> None:
        self.code = code
        super().__init__(message)

    @classmethod
    def from_client(cls, code: int | None, detail: str) -> SamplingFailed:
        """The client answered with error `code` (not a rejection), or with a malformed result when None."""
        source = f"error {code}" if code is not None else "a malformed result"
        return cls(
            f"The client answered the sampling request with {source}: {detail}. "
            "Check the client's sampling handler or configure a fallback sampler.",
            code=code,
        )

    @classmethod
    def non_text(cls, content_type: str) -> SamplingFailed:
        """The LLM answered with `content_type` content (an image, audio, a tool call) where text was expected."""
        return cls(
            f"The client's LLM answered with '{content_type}' content where text was expected. "
            "Ask for text in the prompt, or use sample() to handle other content."
        )


# -- tasks -------------------------------------------------------------------------------


class TaskError(ToolkitError):
    """A background task could not be started, found or read."""


class TaskNotFound(TaskError):
    """No task with this id exists for the caller."""

    def __init__(self, task_id: str) -> None:
        self.task_id = task_id
        super().__init__(
            f"No task with id '{task_id}' exists for you. Check the id returned when the task was started."
        )


class TaskNotFinished(TaskError):
    """Results were asked for while the task is still pending or running.

    Attributes:
        task_id: The task asked about.
        status: Its status, ``"pending"`` or ``"running"``.
        progress: The fraction done that the job last reported.
    """

    def __init__(self, task_id: str, status: str, progress: float) -> None:
        self.task_id = task_id
        self.status = status
        self.progress = progress
        super().__init__(
            f"Task '{task_id}' is still {status} ({progress:.0%} done), so it has no results yet. "
            "Check its status later and ask again once it reads completed."
        )


class TooManyTasks(TaskError):
    """The manager already holds as many pending and running tasks as it may."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(
            f"{limit} tasks are already pending or running on this server, its limit. "
            "Wait for some to finish, or cancel tasks you no longer need, then start again."
        )


class TaskStoreError(TaskError):
    """The task store failed; the message names the store and what to check."""
