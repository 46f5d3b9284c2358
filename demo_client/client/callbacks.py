"""From the user's plain callables to what a session answers the server with, in wire form.

Users pass sync or async functions with simple signatures (`on_progress(progress, total,
message)`, `on_log(level, data)`, an elicitation handler taking a `FormRequest` and returning
an `Answer`). Here they become the session's `Handlers`. A request beyond what the client
declared is refused before any handler sees it, and a handler's failure becomes a JSON-RPC
error whose message says what went wrong, instead of the SDK's generic one.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias

import anyio

from .._sdk import INTERNAL_ERROR, INVALID_PARAMS, ErrorAnswer, Handlers, ProgressFn, Wire
from ..errors import ClientError, InvalidForm, RequestRefused
from ..handlers.requests import Answer, ElicitationHandler, SamplingHandler, elicitation_request
from .capabilities import Capabilities
from .protocol import LoggingLevel

__all__ = [
    "LogCallback",
    "ProgressCallback",
    "Root",
    "SessionCallbacks",
    "call_maybe_async",
    "elicitation_answerer",
    "progress_reporter",
    "to_roots",
    "undeclared_sampling",
]

logger = logging.getLogger(__name__)

#: `on_progress(progress, total, message)`, sync or async.
ProgressCallback: TypeAlias = Callable[[float, float | None, str | None], Any]
#: `on_log(level, data)`, sync or async.
LogCallback: TypeAlias = Callable[[LoggingLevel, Any], Any]
#: A root: a path, a ``file://`` URI, or a wire `Root` (``{"uri": ..., "name": ...}``).
Root: TypeAlias = str | Path | Mapping[str, Any]


async def call_maybe_async(function: Callable[..., Any], *args: Any) -> Any:
    """Call `function` and await the result if it is awaitable."""
    result = function(*args)
    if inspect.isawaitable(result):
        result = await result
    return result


def elicitation_answerer(handler: ElicitationHandler, declared: Capabilities) -> Callable[[Wire], Awaitable[Wire]]:
    """`handler` as the session's answer to `elicitation/create`, params and result in wire form.

    A request in a mode the client did not declare is refused with -32602 before the handler
    sees it, since the server broke the negotiation.
    """

    async def answer(params: Wire) -> Wire:
        mode = "url" if params.get("mode") == "url" else "form"
        if not (declared.elicitation_url if mode == "url" else declared.elicitation_form):
            raise ErrorAnswer(INVALID_PARAMS, f"This client did not declare elicitation.{mode}.")
        try:
            return Answer.of(await call_maybe_async(handler, elicitation_request(params))).to_wire()
        except InvalidForm as exc:
            raise ErrorAnswer(INVALID_PARAMS, str(exc)) from exc
        except RequestRefused as exc:
            raise ErrorAnswer(exc.code, exc.message) from exc
        except ClientError as exc:
            logger.warning("Elicitation handler failed: %s", exc)
            raise ErrorAnswer(INTERNAL_ERROR, str(exc)) from exc

    return answer


def _one_at_a_time(answer: Callable[[Wire], Awaitable[Wire]]) -> Callable[[Wire], Awaitable[Wire]]:
    """`answer`, asking one question at a time, in the order they came.

    On 2026-07-28 the SDK answers the input requests of one round concurrently; a person at
    the terminal (and a script, whose answers go in order) takes them one by one.
    """
    lock = anyio.Lock()

    async def one(params: Wire) -> Wire:
        async with lock:
            return await answer(params)

    return one


def _sampler(sampler: SamplingHandler, declared: Capabilities) -> Callable[[Wire], Awaitable[Wire]]:
    """`sampler` as the session's answer to `sampling/createMessage`.

    A request that offers tools without `sampling.tools`, or asks for context without
    `sampling.context`, is answered with -32602 before the sampler sees it.
    """

    async def answer(params: Wire) -> Wire:
        missing = undeclared_sampling(params, declared)
        if missing is not None:
            raise ErrorAnswer(INVALID_PARAMS, f"This client did not declare {missing}.")
        try:
            return dict(await call_maybe_async(sampler, params))
        except RequestRefused as exc:
            raise ErrorAnswer(exc.code, exc.message) from exc
        except ClientError as exc:
            logger.warning("Sampling handler failed: %s", exc)
            raise ErrorAnswer(INTERNAL_ERROR, str(exc)) from exc

    return answer


def undeclared_sampling(params: Mapping[str, Any], declared: Capabilities) -> str | None:
    """The sampling sub-capability `params` (wire form) needs that `declared` lacks, or None."""
    if (params.get("tools") or params.get("toolChoice")) and not declared.sampling_tools:
        return "sampling.tools"
    if params.get("includeContext") not in (None, "none") and not declared.sampling_context:
        return "sampling.context"
    return None


def progress_reporter(on_progress: ProgressCallback) -> ProgressFn:
    """`on_progress(progress, total, message)`, sync or async, as the session's progress callback."""

    async def report(progress: float, total: float | None, message: str | None) -> None:
        await call_maybe_async(on_progress, progress, total, message)

    return report


def _logger(on_log: LogCallback) -> Callable[[Wire], Awaitable[None]]:
    async def log(params: Wire) -> None:
        try:
            await call_maybe_async(on_log, params.get("level"), params.get("data"))
        except Exception:
            # A broken log sink must not break the session that feeds it.
            logger.exception("on_log raised")

    return log


def to_roots(roots: Sequence[Root]) -> list[dict[str, Any]]:
    """Paths and ``file://`` URIs as protocol roots (wire form), named after their last part."""
    converted: list[dict[str, Any]] = []
    for item in roots:
        if isinstance(item, Mapping):
            converted.append(dict(item))
            continue
        uri = str(item) if str(item).startswith("file://") else Path(item).resolve().as_uri()
        converted.append({"uri": uri, "name": Path(str(item)).name or str(item)})
    return converted


@dataclass(frozen=True, slots=True)
class SessionCallbacks:
    """What every session of one client answers with; `handlers()` builds the session's view.

    Attributes:
        capabilities: What the client declares.
        client_info: The `clientInfo` in wire form.
        elicitation: The elicitation handler, or None.
        sampling: The sampling handler, or None.
        roots: The roots reported by `roots/list`; a list the client may change in place.
        on_log: The log callback, or None.
        on_elicitation_complete: Called with the id of a finished URL-mode elicitation, or None.
    """

    capabilities: Capabilities
    client_info: Wire
    elicitation: ElicitationHandler | None
    sampling: SamplingHandler | None
    roots: list[dict[str, Any]]
    on_log: LogCallback | None
    on_elicitation_complete: Callable[[str], Any] | None

    def handlers(self) -> Handlers:
        """The session's `Handlers`: one for each capability declared and given a handler."""
        declared = self.capabilities
        return Handlers(
            declared=declared.declaration(),
            client_info=self.client_info,
            elicit=(
                _one_at_a_time(elicitation_answerer(self.elicitation, declared))
                if declared.elicitation and self.elicitation is not None
                else None
            ),
            sample=_sampler(self.sampling, declared) if declared.sampling and self.sampling is not None else None,
            list_roots=self._list_roots if declared.roots else None,
            on_log=_logger(self.on_log) if self.on_log is not None else None,
            on_notification=self._on_notification,
        )

    async def _list_roots(self) -> Wire:
        # Read at each request, so `Client.set_roots` takes effect at once.
        return {"roots": [dict(root) for root in self.roots]}

    async def _on_notification(self, notification: Wire) -> None:
        if notification.get("method") != "notifications/elicitation/complete":
            return
        callback = self.on_elicitation_complete
        elicitation_id = (notification.get("params") or {}).get("elicitationId")
        if callback is not None and isinstance(elicitation_id, str):
            await call_maybe_async(callback, elicitation_id)
