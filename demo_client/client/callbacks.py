"""Adapters from plain user callables to the callbacks an SDK `ClientSession` expects.

Users pass sync or async functions with simple signatures (`on_progress(progress, total,
message)`, `on_log(level, data)`, an elicitation handler returning a dict). The SDK wants
async functions taking protocol objects and returning results or `ErrorData`. Failures of a
user callback become `ErrorData` with a message that names the callback, instead of the
SDK's generic "Invalid request parameters".
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeAlias, TypeVar

from mcp.client.session import ElicitationFnT, ListRootsFnT, LoggingFnT, SamplingFnT
from mcp.shared.session import ProgressFnT
from mcp.types import (
    INTERNAL_ERROR,
    INVALID_PARAMS,
    CreateMessageRequestParams,
    CreateMessageResult,
    CreateMessageResultWithTools,
    ElicitRequestFormParams,
    ElicitRequestParams,
    ElicitRequestURLParams,
    ElicitResult,
    ErrorData,
    ListRootsResult,
    LoggingLevel,
    LoggingMessageNotificationParams,
    Root,
)
from pydantic import FileUrl, ValidationError

from ..errors import ClientError, InvalidForm
from .capabilities import Capabilities

__all__ = [
    "ElicitationHandler",
    "ElicitationRequest",
    "LogCallback",
    "ProgressCallback",
    "call_maybe_async",
    "elicitation_callback",
    "logging_callback",
    "progress_callback",
    "roots_callback",
    "to_roots",
]

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: What an elicitation handler receives: the form or URL request as the SDK parsed it.
ElicitationRequest: TypeAlias = ElicitRequestFormParams | ElicitRequestURLParams
#: An elicitation handler: returns an `ElicitResult` or a dict such as
#: ``{"action": "accept", "content": {...}}``, synchronously or not.
ElicitationHandler: TypeAlias = Callable[
    [ElicitationRequest], ElicitResult | Mapping[str, Any] | Awaitable[ElicitResult | Mapping[str, Any]]
]
#: `on_progress(progress, total, message)`, sync or async.
ProgressCallback: TypeAlias = Callable[[float, float | None, str | None], Any]
#: `on_log(level, data)`, sync or async.
LogCallback: TypeAlias = Callable[[LoggingLevel, Any], Any]


async def call_maybe_async(function: Callable[..., Any], *args: Any) -> Any:
    """Call `function` and await the result if it is awaitable."""
    result = function(*args)
    if inspect.isawaitable(result):
        result = await result
    return result


def elicitation_callback(handler: ElicitationHandler, declared: Capabilities) -> ElicitationFnT:
    """Wrap `handler` as the SDK's elicitation callback.

    A request in a mode the client did not declare is refused with -32602 before the handler
    sees it, since the server broke the negotiation.
    """

    async def answer(context: Any, params: ElicitRequestParams) -> ElicitResult | ErrorData:
        mode = "url" if isinstance(params, ElicitRequestURLParams) else "form"
        if not (declared.elicitation_url if mode == "url" else declared.elicitation_form):
            return ErrorData(code=INVALID_PARAMS, message=f"This client did not declare elicitation.{mode}.")
        try:
            return _to_result(await call_maybe_async(handler, params))
        except InvalidForm as exc:
            return ErrorData(code=INVALID_PARAMS, message=str(exc))
        except ClientError as exc:
            logger.warning("Elicitation handler failed: %s", exc)
            return ErrorData(code=INTERNAL_ERROR, message=str(exc))

    return answer


def sampling_guard(callback: SamplingFnT, declared: Capabilities) -> SamplingFnT:
    """Wrap the SDK sampling callback so requests beyond the declaration are refused.

    A request that offers tools without `sampling.tools`, or asks for context without
    `sampling.context`, is answered with -32602 before the sampler sees it.
    """

    async def answer(
        context: Any, params: CreateMessageRequestParams
    ) -> CreateMessageResult | CreateMessageResultWithTools | ErrorData:
        missing = undeclared_sampling(params, declared)
        if missing is not None:
            return ErrorData(code=INVALID_PARAMS, message=f"This client did not declare {missing}.")
        return await callback(context, params)

    return answer


def undeclared_sampling(params: CreateMessageRequestParams, declared: Capabilities) -> str | None:
    """The sampling sub-capability `params` needs that `declared` lacks, or None."""
    if (params.tools or params.toolChoice) and not declared.sampling_tools:
        return "sampling.tools"
    if params.includeContext not in (None, "none") and not declared.sampling_context:
        return "sampling.context"
    return None


def _to_result(answer: Any) -> ElicitResult:
    if isinstance(answer, ElicitResult):
        return answer
    try:
        return ElicitResult.model_validate(answer)
    except ValidationError as exc:
        raise _HandlerError(
            f"The elicitation handler returned {answer!r}; return {{'action': 'accept', 'content': {{...}}}}, "
            "{'action': 'decline'} or {'action': 'cancel'}."
        ) from exc


class _HandlerError(ClientError):
    """An elicitation handler returned something that is not an answer."""


def progress_callback(on_progress: ProgressCallback) -> ProgressFnT:
    """Wrap `on_progress(progress, total, message)` as the SDK's progress callback."""

    async def report(progress: float, total: float | None, message: str | None) -> None:
        await call_maybe_async(on_progress, progress, total, message)

    return report


def logging_callback(on_log: LogCallback) -> LoggingFnT:
    """Wrap `on_log(level, data)` as the SDK's logging callback."""

    async def log(params: LoggingMessageNotificationParams) -> None:
        try:
            await call_maybe_async(on_log, params.level, params.data)
        except Exception:
            # A broken log sink must not break the session that feeds it.
            logger.exception("on_log raised")

    return log


def to_roots(roots: Sequence[str | Path | Root]) -> list[Root]:
    """Turn paths and `file://` URIs into protocol `Root`s, named after their last part."""
    converted: list[Root] = []
    for item in roots:
        if isinstance(item, Root):
            converted.append(item)
            continue
        uri = str(item) if str(item).startswith("file://") else Path(item).resolve().as_uri()
        converted.append(Root(uri=FileUrl(uri), name=Path(str(item)).name or str(item)))
    return converted


def roots_callback(roots: Sequence[Root]) -> ListRootsFnT:
    """Answer `roots/list` with what `roots` holds at the time of each request."""

    async def list_roots(context: Any) -> ListRootsResult:
        return ListRootsResult(roots=list(roots))

    return list_roots
