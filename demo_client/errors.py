"""Every exception the reference client raises, in one tree.

    ClientError
    ├── ConfigurationError          an argument, flag, file or ARN the client cannot use
    │   └── InvalidAnswers          a scripted answer, or a handler's answer, is malformed
    ├── TransportError              HTTP-level trouble talking to the server
    │   ├── ServerUnreachable       no connection; the request never reached the server
    │   ├── ConnectionLost          the connection broke mid-request (2026-07-28: also its re-issue); it may have run
    │   └── HTTPStatusError         the server answered with an unexpected HTTP status
    │       └── AuthenticationFailed    401 or 403: the credentials were refused
    ├── SessionError
    │   ├── SessionExpired          the server dropped the session again right after recovery
    │   └── ClientClosed            the client was used after it closed
    ├── RequestFailed               the server answered with a JSON-RPC error
    ├── RequestTimeout              no answer in time; the request was cancelled on the wire
    ├── InputRoundsExceeded         the server kept asking for input (2026-07-28) past the client's bound
    ├── AnswersExhausted            more elicitations arrived than scripted answers
    ├── InvalidForm                 the server sent a requestedSchema the protocol does not allow
    └── RequestRefused              raised by a handler: answer the server's request with this error

Errors from the layers below (httpx, the MCP SDK, botocore) are translated where they
cross into the client and re-raised `from` the original.

Handlers raise `AnswersExhausted`, `InvalidForm` and `RequestRefused` (or any `ClientError`);
the client answers the server's request with a JSON-RPC error carrying the message.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AnswersExhausted",
    "AuthenticationFailed",
    "ClientClosed",
    "ClientError",
    "ConfigurationError",
    "ConnectionLost",
    "HTTPStatusError",
    "InputRoundsExceeded",
    "InvalidAnswers",
    "InvalidForm",
    "RequestFailed",
    "RequestRefused",
    "RequestTimeout",
    "ServerUnreachable",
    "SessionError",
    "SessionExpired",
    "TransportError",
]


class ClientError(Exception):
    """Root of every error raised by the reference client."""


class ConfigurationError(ClientError):
    """An argument, command-line flag, file or ARN holds something the client cannot use."""


class InvalidAnswers(ConfigurationError):
    """A scripted elicitation answer, or one a handler returned, is malformed; the message
    names the answer and the fix."""


class TransportError(ClientError):
    """Talking to the server over HTTP failed."""


class ServerUnreachable(TransportError):
    """No connection could be opened, so the request never reached the server.

    Attributes:
        url: The endpoint that could not be reached.
    """

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        super().__init__(
            f"Could not connect to {url}: {reason}. The request never reached the server, so it is "
            "safe to try again once the server is running (check the URL and port)."
        )


class ConnectionLost(TransportError):
    """The connection broke while a request was in flight.

    The server may already have run the request. On 2025-11-25 the client does not send it
    again; on 2026-07-28 the revision has it re-issued once with a new id (`reissued`), and
    this is raised when that broke too.

    Attributes:
        method: The JSON-RPC method that was in flight, e.g. ``"tools/call"``.
        reissued: Whether the request was sent a second time before giving up.
    """

    def __init__(self, method: str, reason: str, *, reissued: bool = False) -> None:
        self.method = method
        self.reissued = reissued
        again = (
            "it was re-issued once with a new id, as protocol 2026-07-28 requires, and that broke too"
            if reissued
            else "so it was not sent again"
        )
        super().__init__(
            f"The connection broke while '{method}' was in flight ({reason}). The server may have run it, "
            f"{again}; check its effect before calling it again."
        )


class HTTPStatusError(TransportError):
    """The server answered with an HTTP status the protocol does not expect here.

    Attributes:
        status_code: The HTTP status code.
        body: The start of the response body, for diagnosis.
    """

    def __init__(self, status_code: int, message: str, body: str = "") -> None:
        self.status_code = status_code
        self.body = body
        detail = f" Server said: {body}" if body else ""
        super().__init__(f"HTTP {status_code}: {message}{detail}")


class AuthenticationFailed(HTTPStatusError):
    """The server refused the credentials (HTTP 401 or 403)."""

    def __init__(self, status_code: int, body: str = "") -> None:
        super().__init__(
            status_code,
            "the server refused the credentials. Check the bearer token (is it expired?) or the AWS "
            "credentials and region used for SigV4.",
            body,
        )


class SessionError(ClientError):
    """The MCP session cannot be used."""


class SessionExpired(SessionError):
    """The server answered 404 for the session again, right after a fresh one was started."""

    def __init__(self, url: str) -> None:
        super().__init__(
            f"The server at {url} dropped the new session at once (HTTP 404 right after initialize). "
            "It may be restarting in a loop or routing requests to different instances; check its logs."
        )


class ClientClosed(SessionError):
    """The client was used after `connect()` exited or `close()` was called."""

    def __init__(self) -> None:
        super().__init__("This client is closed; open a new one with `demo_client.connect(url)`.")


class RequestFailed(ClientError):
    """The server answered a request with a JSON-RPC error.

    Attributes:
        method: The JSON-RPC method that failed.
        code: The JSON-RPC error code.
        detail: The server's error message.
        data: The error's optional `data` member.
    """

    def __init__(self, method: str, code: int, detail: str, data: Any = None) -> None:
        self.method = method
        self.code = code
        self.detail = detail
        self.data = data
        super().__init__(f"The server rejected '{method}' with error {code}: {detail}")


class RequestTimeout(ClientError):
    """No answer arrived in time; the client sent `notifications/cancelled` for the request.

    Attributes:
        method: The JSON-RPC method that timed out.
        timeout: The limit in seconds.
    """

    def __init__(self, method: str, timeout: float) -> None:
        self.method = method
        self.timeout = timeout
        super().__init__(
            f"'{method}' got no answer within {timeout:g} s and was cancelled on the server. "
            "Pass a larger timeout if the tool is expected to run longer."
        )


class InputRoundsExceeded(ClientError):
    """On 2026-07-28 the server answered `input_required` more times in a row than allowed.

    Attributes:
        method: The request, e.g. ``"tools/call"``.
        max_rounds: The bound that was reached.
    """

    def __init__(self, method: str, max_rounds: int) -> None:
        self.method = method
        self.max_rounds = max_rounds
        super().__init__(
            f"The server still asked for input after {max_rounds} rounds of '{method}' (the bound is "
            f"max_rounds={max_rounds}); if the tool really needs more, raise it with "
            "connect(max_rounds=...) or --max-rounds."
        )


class AnswersExhausted(ClientError):
    """The server asked for more elicitations than the script has answers."""

    def __init__(self, used: int, message: str) -> None:
        self.used = used
        super().__init__(
            f"No scripted answer left for elicitation #{used + 1} ({message!r}); all {used} were used. "
            "Add another answer to the list or answers file."
        )


class InvalidForm(ClientError):
    """The server's `requestedSchema` breaks the protocol's rules, so no form can be shown.

    The client answers the elicitation with a -32602 error carrying this message.

    Attributes:
        problems: Every rule the schema breaks.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            "The server's form cannot be shown because its requestedSchema breaks the protocol's rules: "
            + "; ".join(problems)
        )


class RequestRefused(ClientError):
    """Raised by an elicitation or sampling handler to refuse the server's request.

    The client answers the request with a JSON-RPC error of this code and message.

    Attributes:
        code: The JSON-RPC error code, e.g. -1 for "the user rejected the request".
        message: Why, for the server.
    """

    def __init__(self, code: int, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(message)
