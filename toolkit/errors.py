"""Every exception the toolkit raises, in one tree.

    ToolkitError
    ├── ConfigurationError            a setting or environment variable is invalid
    │   └── MissingExtra              (also an ImportError) a feature's optional dependencies are not installed
    ├── CapabilityError               the client did not declare what a helper needs
    │   ├── ElicitationUnsupported    no `elicitation` capability, or not the mode asked for
    │   ├── SamplingUnsupported       no `sampling` capability, or not `context` / `tools`
    │   └── RootsUnsupported          no `roots` capability
    ├── RootsRequestFailed            `roots/list` got an error, a malformed result, or no answer in time
    ├── ReplayError                   a 2026-07-28 call cannot replay: a question changed, or the state is foreign
    ├── ElicitationError
    │   ├── UnsupportedFieldType      (also a TypeError) a form field the protocol cannot carry
    │   ├── NotAFormModel             (also a TypeError) a form that is not a Pydantic model class
    │   ├── InvalidRequestedSchema    (also a ValueError) a requestedSchema the protocol does not allow
    │   ├── InvalidFormContent        (also a ValueError) an answer that does not fit its form
    │   ├── ElicitationAttemptsExhausted   the user kept sending invalid answers
    │   ├── InvalidElicitationResponse     the client's answer is malformed beyond re-asking
    │   ├── ElicitationRequestFailed  the client answered the request with a JSON-RPC error
    │   ├── UnknownElicitation        (also a LookupError) no pending URL elicitation with this id for this user
    │   └── UrlElicitationRequired    (also the SDK's URL-elicitation-required error) answer -32042 from a tool
    ├── SamplingError
    │   ├── SamplingRejected          the user rejected the request (client error -1)
    │   ├── SamplingTimeout           no answer in time; the request was cancelled on the wire
    │   ├── NonTextSamplingContent    the LLM answered with something other than text
    │   ├── StructuredOutputInvalid   structured output stayed invalid after every retry
    │   ├── InvalidSamplingRequest    (also a ValueError) a prompt or option that cannot be sent
    │   ├── SamplingRequestFailed     the client answered with an error other than a rejection
    │   └── SamplerFailed             a server-side sampler (e.g. Bedrock) failed
    ├── ProgressError
    │   └── InvalidProgressArgument   (also a ValueError) a progress value, total or interval out of range
    └── TaskError
        ├── TaskNotFound              unknown id, or a task owned by someone else
        ├── InvalidTaskId             the id is not a well-formed task id
        ├── TaskStoreError            the task store (SQLite, DynamoDB) failed
        ├── InvalidHeader             a header value failed validation
        ├── InvalidTaskArguments      (also a ValueError) arguments the job's signature does not accept
        ├── TaskNotFinished           results asked for while the task is still pending or running
        └── TooManyTasks              the manager already holds as many tasks as it may

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
    "ElicitationRequestFailed",
    "ElicitationUnsupported",
    "InvalidElicitationResponse",
    "InvalidFormContent",
    "InvalidHeader",
    "InvalidProgressArgument",
    "InvalidRequestedSchema",
    "InvalidSamplingRequest",
    "InvalidTaskArguments",
    "InvalidTaskId",
    "MissingExtra",
    "NonTextSamplingContent",
    "NotAFormModel",
    "ProgressError",
    "ReplayError",
    "RootsRequestFailed",
    "RootsUnsupported",
    "SamplerFailed",
    "SamplingError",
    "SamplingRejected",
    "SamplingRequestFailed",
    "SamplingTimeout",
    "SamplingUnsupported",
    "StructuredOutputInvalid",
    "TaskError",
    "TaskNotFinished",
    "TaskNotFound",
    "TaskStoreError",
    "TooManyTasks",
    "ToolkitError",
    "UnknownElicitation",
    "UnsupportedFieldType",
    "UrlElicitationRequired",
]


class ToolkitError(sdk.ToolErrorBase):  # type: ignore[misc,name-defined]
    """Root of every error raised by the toolkit; raised from a tool, the caller reads its message."""


class ConfigurationError(ToolkitError):
    """A setting or environment variable holds a value the toolkit cannot use."""


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


class CapabilityError(ToolkitError):
    """The connected client did not declare a capability that the helper needs.

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


class ElicitationUnsupported(CapabilityError):
    """The client cannot answer this kind of elicitation (form or URL mode)."""


class SamplingUnsupported(CapabilityError):
    """The client cannot sample, or cannot sample with the requested context or tools."""


class RootsUnsupported(CapabilityError):
    """The client did not declare `roots`, so it cannot list its roots."""


class RootsRequestFailed(ToolkitError):
    """The client answered `roots/list` with an error or a malformed result, or not in time.

    Attributes:
        code: The JSON-RPC error code the client sent, or None when there was no error.
    """

    def __init__(self, code: int | None, detail: str) -> None:
        self.code = code
        suffix = f" (error {code})" if code is not None else ""
        super().__init__(f"The client could not list its roots: {detail}{suffix}.")


class ReplayError(ToolkitError):
    """A 2026-07-28 call answered in rounds cannot be replayed.

    The tool asked a different question at a key than in an earlier round (its questions
    must not depend on the clock or randomness), or the echoed state was not made by this
    version of the toolkit.
    """


class ElicitationError(ToolkitError):
    """An elicitation could not produce an answer."""


class UnsupportedFieldType(ElicitationError, TypeError):
    """A form model has a field that the protocol's flat form schema cannot express."""

    def __init__(self, model: str, field: str, problem: str, instead: str) -> None:
        self.model = model
        self.field = field
        super().__init__(f"{model}.{field}: {problem}. Use {instead} instead.")


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


class InvalidElicitationResponse(ElicitationError):
    """The client answered an elicitation with something the protocol does not allow."""


class NotAFormModel(ElicitationError, TypeError):
    """Something other than a Pydantic model class was given where a form is expected."""

    def __init__(self, given: object) -> None:
        super().__init__(
            f"{given!r} is not a form: pass a pydantic.BaseModel subclass (or a toolkit.Form) "
            "whose fields are the questions to ask."
        )


class InvalidRequestedSchema(ElicitationError, ValueError):
    """A `requestedSchema` breaks the protocol's rules for form-mode elicitation.

    Attributes:
        problems: Every rule the schema breaks, one per entry.
    """

    def __init__(self, problems: Sequence[FieldProblem]) -> None:
        self.problems = list(problems)
        detail = "; ".join(str(problem) for problem in self.problems)
        super().__init__(
            f"The requestedSchema is not a valid form-mode schema: {detail}. "
            "Forms must be flat objects whose properties are strings, numbers, booleans or enums."
        )


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


class ElicitationRequestFailed(ElicitationError):
    """The client answered `elicitation/create` with a JSON-RPC error instead of a result.

    Attributes:
        code: The JSON-RPC error code the client sent.
    """

    def __init__(self, code: int, detail: str) -> None:
        self.code = code
        super().__init__(
            f"The client could not show the elicitation: {detail} (error {code}). "
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


class NonTextSamplingContent(SamplingError):
    """The client's LLM answered with content that is not text (an image, audio, a tool call)."""

    def __init__(self, content_type: str) -> None:
        self.content_type = content_type
        super().__init__(
            f"The client's LLM answered with '{content_type}' content where text was expected. "
            "Ask for text in the prompt, or use sample() to handle other content."
        )


class StructuredOutputInvalid(SamplingError):
    """Structured sampling output failed validation on every retry."""

    def __init__(self, attempts: int, errors: str) -> None:
        self.attempts = attempts
        self.errors = errors
        super().__init__(f"The LLM's output did not match the expected structure after {attempts} attempt(s): {errors}")


class InvalidSamplingRequest(SamplingError, ValueError):
    """A prompt or sampling option is invalid, so nothing was sent."""


class SamplingRequestFailed(SamplingError):
    """The client answered the sampling request with an error that is not a user rejection.

    Attributes:
        code: The JSON-RPC error code the client sent, or None for a malformed result.
    """

    def __init__(self, code: int | None, detail: str) -> None:
        self.code = code
        source = f"error {code}" if code is not None else "a malformed result"
        super().__init__(
            f"The client answered the sampling request with {source}: {detail}. "
            "Check the client's sampling handler or configure a fallback sampler."
        )


class SamplerFailed(SamplingError):
    """A server-side sampler (such as the Bedrock sampler) could not produce text."""


class TaskError(ToolkitError):
    """A background task could not be started, found or read."""


class TaskNotFound(TaskError):
    """No task with this id exists for the caller."""

    def __init__(self, task_id: str) -> None:
        self.task_id = task_id
        super().__init__(
            f"No task with id '{task_id}' exists for you. Check the id returned when the task was started."
        )


class InvalidTaskId(TaskError, ValueError):
    """The task id is not well formed (task ids are 32 lower-case hex characters)."""

    def __init__(self, task_id: object) -> None:
        shown = repr(task_id)[:80]
        super().__init__(
            f"{shown} is not a valid task id: task ids are the 32 lower-case hex characters returned on start."
        )


class TaskStoreError(TaskError):
    """The task store failed; the message names the store and what to check."""


class InvalidHeader(TaskError, ValueError):
    """A request header held a value that failed validation, so it was not used."""

    def __init__(self, header: str, reason: str) -> None:
        self.header = header
        super().__init__(f"Header '{header}' is invalid: {reason}.")


class InvalidTaskArguments(TaskError, ValueError):
    """The arguments do not fit the job's signature, so no task was started."""

    def __init__(self, kind: str, detail: str) -> None:
        self.kind = kind
        super().__init__(f"Cannot start '{kind}': {detail}. Fix the arguments and start it again.")


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


class ProgressError(ToolkitError):
    """Progress or a heartbeat could not be reported as asked."""


class InvalidProgressArgument(ProgressError, ValueError):
    """A progress value, amount, total or interval is not a number the helper can use.

    Attributes:
        name: The argument that was rejected, e.g. ``"total"``.
        value: The rejected value.
    """

    def __init__(self, name: str, value: object, rule: str) -> None:
        self.name = name
        self.value = value
        super().__init__(f"{name}={value!r} cannot be used for progress: {rule}.")
