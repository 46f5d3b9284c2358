"""Every exception the toolkit raises, in one tree.

    ToolkitError
    ├── ConfigurationError            a setting or environment variable is invalid
    ├── CapabilityError               the client did not declare what a helper needs
    │   ├── ElicitationUnsupported    no `elicitation` capability, or not the mode asked for
    │   └── SamplingUnsupported       no `sampling` capability, or not `context` / `tools`
    ├── ElicitationError
    │   ├── UnsupportedFieldType      (also a TypeError) a form field the protocol cannot carry
    │   ├── ElicitationAttemptsExhausted   the user kept sending invalid answers
    │   └── InvalidElicitationResponse     the client's answer is malformed beyond re-asking
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
        └── InvalidHeader             a header value failed validation

Errors from the layers below (the MCP SDK, sqlite3, botocore) are translated at our
boundaries and re-raised `from` the original, so callers only need these types.
"""

from __future__ import annotations

__all__ = [
    "CapabilityError",
    "ConfigurationError",
    "ElicitationAttemptsExhausted",
    "ElicitationError",
    "ElicitationUnsupported",
    "InvalidElicitationResponse",
    "InvalidHeader",
    "InvalidProgressArgument",
    "InvalidSamplingRequest",
    "InvalidTaskId",
    "NonTextSamplingContent",
    "ProgressError",
    "SamplerFailed",
    "SamplingError",
    "SamplingRejected",
    "SamplingRequestFailed",
    "SamplingTimeout",
    "SamplingUnsupported",
    "StructuredOutputInvalid",
    "TaskError",
    "TaskNotFound",
    "TaskStoreError",
    "ToolkitError",
    "UnsupportedFieldType",
]


class ToolkitError(Exception):
    """Root of every error raised by the toolkit."""


class ConfigurationError(ToolkitError):
    """A setting or environment variable holds a value the toolkit cannot use."""


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
    """The task id is not well formed (task ids are UUID4 strings)."""

    def __init__(self, task_id: object) -> None:
        shown = repr(task_id)[:80]
        super().__init__(f"{shown} is not a valid task id: task ids are the UUIDs returned on start.")


class TaskStoreError(TaskError):
    """The task store failed; the message names the store and what to check."""


class InvalidHeader(TaskError, ValueError):
    """A request header held a value that failed validation, so it was not used."""

    def __init__(self, header: str, reason: str) -> None:
        self.header = header
        super().__init__(f"Header '{header}' is invalid: {reason}.")


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
