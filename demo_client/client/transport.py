"""A streamable HTTP transport (revisions 2025-11-25 and 2026-07-28) that says *why* a request failed.

The SDK's transports answer an HTTP 404 with a JSON-RPC error while keeping the dead session
id (mcp 1.x) or without telling a 404 from other failures (mcp 2.x), and neither says whether
a request whose connection broke may have run. This transport instead fails the request with
a JSON-RPC error whose `data` is an exception object: `StaleSession` (404 for a request that
carried a session id: the server never ran it), `ServerUnreachable`, `ConnectionLost` or
`HTTPStatusError`. Those objects travel only in memory, so no server can forge one; the
connection layer decides by their type whether a retry is safe.

It also resumes a response stream that closes before its response (GET with
`Last-Event-ID`, after the server's SSE `retry` delay), keeps the standalone GET stream
open and reports a 404 there through `on_expired` (no request is waiting to notice it), shows
every request the server sends to `on_server_request` before the session answers it, and
DELETEs the session on exit.

It works in wire form (JSON-RPC messages as dicts); `demo_client._sdk` turns them into the
installed SDK's session messages and back. Unless it is told to speak 2026-07-28
(`modern=True`), a `server/discover` probe (how mcp 2.x sessions look for 2026-07-28) is
answered here with "method not found", so the SDK falls back to `initialize`.

A request the SDK stamped for 2026-07-28 (its `MCP-Protocol-Version` header names a session-less
revision) follows that revision's rules instead: no session id, no resumption, and
- a 4xx answer whose body is a JSON-RPC error is that error (the revision answers
  `UnsupportedProtocolVersion`, `HeaderMismatch` and the rest with 400 and a body);
- a response stream that breaks before the response loses the request: the spec has the
  client re-issue it with a new id, which this transport does once (`REISSUES`), mapping the
  answer back to the id the session waits for. A tool whose call is re-issued may run twice,
  unless the server recognises the repeat; a repeated `input_required` round is the same
  round again (same `inputResponses`, same `requestState`);
- cancelling is closing the request's response stream: the `notifications/cancelled` the
  session writes for an abandoned request is not sent, the request's POST is aborted instead;
- a result without `resultType` is a complete one, and each input request of an
  `input_required` result is shown to `on_server_request` like a server request of 2025-11-25.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import anyio
import httpx
from anyio.abc import TaskGroup
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
from httpx_sse import EventSource, ServerSentEvent

from .._sdk import INTERNAL_ERROR, METHOD_NOT_FOUND, Outgoing, Wire, sdk
from ..errors import AuthenticationFailed, ConnectionLost, HTTPStatusError, ServerUnreachable
from .callbacks import call_maybe_async

__all__ = ["NotSent", "ReconnectPolicy", "SafeToRetry", "StaleSession", "StreamableHTTPTransport", "streamable_http"]

logger = logging.getLogger(__name__)

JSON = "application/json"
#: JSON-RPC's "invalid request".
INVALID_REQUEST = -32600
SSE = "text/event-stream"
DELETE_TIMEOUT = 5.0
BODY_EXCERPT = 300

#: Where the session reads: the SDK's session messages, or exceptions for malformed ones.
Inbox = MemoryObjectSendStream[Any]
#: The revision-2026-07-28 probe, forwarded only by a transport that speaks that revision.
DISCOVER = "server/discover"
#: How many times a 2026-07-28 request whose response stream broke is sent again, with a new id.
REISSUES = 1


@dataclass(frozen=True, slots=True)
class ReconnectPolicy:
    """How hard to try reopening an SSE stream that dropped.

    Attributes:
        attempts: Consecutive failed reconnections before giving up; a reconnection that
            delivers a new event resets the count.
        default_delay: Seconds to wait before reconnecting when the server sent no SSE
            `retry` field.
    """

    attempts: int = 3
    default_delay: float = 1.0


class SafeToRetry(Exception):
    """A request failed in a way that proves the server never ran it."""


class NotSent(SafeToRetry):
    """The session closed before the request left the client."""

    def __init__(self) -> None:
        super().__init__("the session closed before the request was sent")


class StaleSession(SafeToRetry):
    """HTTP 404 for a request that carried a session id: the session is gone and the
    server did not run the request.

    Attributes:
        session_id: The session the server no longer knows.
    """

    def __init__(self, session_id: str) -> None:
        self.session_id = session_id
        super().__init__(f"the server no longer knows session {session_id} (HTTP 404)")


@dataclass(slots=True)
class _Cursor:
    """Where an SSE stream stands: the last event id and the server's retry hint."""

    last_event_id: str | None = None
    retry_ms: int | None = None

    def observe(self, event: ServerSentEvent) -> None:
        if event.id:
            self.last_event_id = event.id
        if event.retry is not None:
            self.retry_ms = event.retry

    def delay(self, policy: ReconnectPolicy) -> float:
        return policy.default_delay if self.retry_ms is None else self.retry_ms / 1000


class StreamableHTTPTransport:
    """One MCP session's HTTP side. Create it through `streamable_http`.

    Attributes:
        url: The MCP endpoint.
        session_id: The `Mcp-Session-Id` the server assigned, once initialized.
        protocol_version: The negotiated protocol version, once initialized.
        expired: True once the server answered 404 for this session.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        url: str,
        inbox: Inbox,
        task_group: TaskGroup,
        *,
        policy: ReconnectPolicy,
        on_expired: Callable[[], None],
        on_server_request: Callable[[Wire], Any] | None = None,
        modern: bool = False,
    ) -> None:
        self.url = url
        self.session_id: str | None = None
        self.protocol_version: str | None = None
        self.expired = False
        self._http = http
        self._inbox = inbox
        self._task_group = task_group
        self._policy = policy
        self._on_expired = on_expired
        self._on_server_request = on_server_request
        self._failures: dict[str, Exception] = {}
        self._modern = modern
        # The abort scope of each 2026-07-28 request in flight, by request id.
        self._exchanges: dict[str, anyio.CancelScope] = {}
        # Set by the first 2026-07-28 request: from then on nothing is cancelled by notification.
        self._spoke_modern = False
        # POSTs still waiting for their HTTP status; `settle` waits for them.
        self._unanswered: set[str] = set()
        self._settled = anyio.Event()
        self._settled.set()

    # -- outgoing -------------------------------------------------------------------------

    async def write_loop(self, outbox: MemoryObjectReceiveStream[Any]) -> None:
        """Send every message the session writes: requests concurrently, the rest in order."""
        async with outbox:
            async for item in outbox:
                message = sdk.outgoing(item)
                if _is_request(message.wire):
                    self._task_group.start_soon(self._post_request, message)
                else:
                    await self._post_one_way(message)

    async def _post_request(self, message: Outgoing) -> None:
        request = message.wire
        method, request_id = request["method"], request["id"]
        if method == DISCOVER and not self._modern:
            await self._refuse(request_id, f"{DISCOVER} is a 2026-07-28 method; this transport speaks 2025-11-25")
            return
        if self._modern and (method == DISCOVER or _stamped_modern(message)):
            await self._post_modern(message)
            return
        carried = self.session_id
        key = str(request_id)
        self._awaiting(key)
        try:
            async with self._http.stream("POST", self.url, json=request, headers=self._headers(message)) as response:
                if response.status_code == 404 and carried is not None:
                    self.expired = True
                    await self._fail(request_id, StaleSession(carried))
                    return
                self._answered(key)
                await _raise_for_status(response)
                if method == "initialize":
                    self.session_id = response.headers.get("mcp-session-id")
                await self._read_response(response, request)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            await self._fail(request_id, ServerUnreachable(self.url, _describe(exc)))
        except httpx.TransportError as exc:
            await self._fail(request_id, ConnectionLost(method, _describe(exc)))
        except HTTPStatusError as exc:
            await self._fail(request_id, exc)
        finally:
            self._answered(key)

    def _awaiting(self, key: str) -> None:
        if not self._unanswered:
            self._settled = anyio.Event()
        self._unanswered.add(key)

    def _answered(self, key: str) -> None:
        self._unanswered.discard(key)
        if not self._unanswered:
            self._settled.set()

    async def settle(self, limit: float) -> None:
        """Wait (at most `limit` seconds) until every POST has its HTTP status.

        Closing an expired session first lets a request that raced the expiry get its own 404,
        which marks it safe to retry, instead of an unknown fate.
        """
        with anyio.move_on_after(limit):
            await self._settled.wait()

    async def _post_one_way(self, message: Outgoing) -> None:
        """POST a notification or a response; the server answers 202 with no body."""
        wire = message.wire
        if wire.get("method") == "notifications/cancelled" and self._cancel_modern(wire):
            return
        try:
            response = await self._http.post(self.url, json=wire, headers=self._headers(message))
        except httpx.TransportError as exc:
            logger.warning("Could not send %s: %s", _label(wire), _describe(exc))
            return
        if response.status_code == 404 and self.session_id is not None:
            self.expired = True
        elif response.status_code >= 400:
            logger.warning("The server refused %s with HTTP %s", _label(wire), response.status_code)
        elif wire.get("method") == "notifications/initialized":
            self._task_group.start_soon(self._listen)

    # -- 2026-07-28 ----------------------------------------------------------------------

    def _cancel_modern(self, notice: Wire) -> bool:
        """Abort the POST a `notifications/cancelled` names, if 2026-07-28 rules apply; True when handled.

        That revision has no client notifications over HTTP: closing the request's response
        stream is the cancellation, and the server must stop the request.
        """
        request_id = (notice.get("params") or {}).get("requestId")
        scope = self._exchanges.get(str(request_id))
        if scope is not None:
            logger.debug("Cancelling request %s by closing its response stream", request_id)
            scope.cancel()
            return True
        return self._spoke_modern

    async def _post_modern(self, message: Outgoing) -> None:
        """One 2026-07-28 request: its own POST, re-issued with a new id if the stream breaks."""
        request = message.wire
        method, request_id = request["method"], request["id"]
        key = str(request_id)
        if method != DISCOVER:
            self._spoke_modern = True
        scope = self._exchanges[key] = anyio.CancelScope()
        try:
            with scope:
                broken = await self._exchange(request, message, request_id, first=True)
                for attempt in range(1, REISSUES + 1):
                    if broken is None:
                        return
                    logger.info("The response stream of '%s' broke (%s); re-issuing it with a new id", method, broken)
                    reissued = {**request, "id": f"{request_id}-reissued-{attempt}"}
                    broken = await self._exchange(reissued, message, request_id, first=False)
                if broken is not None:
                    await self._fail(request_id, ConnectionLost(method, broken, reissued=True))
        finally:
            del self._exchanges[key]

    async def _exchange(self, request: Wire, message: Outgoing, answer_as: Any, *, first: bool) -> str | None:
        """POST `request` and deliver its answer as the answer to `answer_as`.

        Returns None once something was delivered for the request (its response, or a failure
        that settles it), or why the response stream broke before the response, which the
        revision says to answer by re-issuing the request.
        """
        method = request["method"]
        try:
            async with self._http.stream("POST", self.url, json=request, headers=self._headers(message)) as response:
                if response.status_code >= 400:
                    await self._modern_refusal(response, request, answer_as)
                    return None
                content_type = response.headers.get("content-type", "").lower()
                if content_type.startswith(JSON):
                    body = (await response.aread()).decode(errors="replace")
                    parsed = _parse(body)
                    if isinstance(parsed, Exception) or not _answers(parsed, request):
                        reason = f"expected the JSON-RPC response to '{method}', got: {body[:BODY_EXCERPT]!r}"
                        await self._fail(answer_as, HTTPStatusError(response.status_code, reason))
                    else:
                        await self._deliver_modern(parsed, answer_as)
                    return None
                if not content_type.startswith(SSE):
                    reason = f"expected a JSON or SSE answer to '{method}', got content type {content_type!r}"
                    await self._fail(answer_as, HTTPStatusError(response.status_code, reason))
                    return None
                async for event in EventSource(response).aiter_sse():
                    if not event.data:
                        continue
                    parsed = _parse(event.data)
                    if isinstance(parsed, Exception):
                        await self._send(parsed)
                    elif _answers(parsed, request):
                        await self._deliver_modern(parsed, answer_as)
                        return None
                    else:
                        await self._deliver(parsed, None)
                return "the server closed the response stream before answering"
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            if not first:
                return _describe(exc)
            await self._fail(answer_as, ServerUnreachable(self.url, _describe(exc)))
            return None
        except httpx.TransportError as exc:
            return _describe(exc)
        except HTTPStatusError as exc:
            await self._fail(answer_as, exc)
            return None

    async def _modern_refusal(self, response: httpx.Response, request: Wire, answer_as: Any) -> None:
        """A 4xx or 5xx to a 2026-07-28 request: the JSON-RPC error in its body, if it has one."""
        if response.status_code in (401, 403):
            await _raise_for_status(response)
        body = (await response.aread()).decode(errors="replace")
        parsed = _parse(body)
        if not isinstance(parsed, Exception) and isinstance(parsed.get("error"), dict):
            await self._deliver_modern({**parsed, "id": answer_as}, answer_as)
            return
        if request["method"] == DISCOVER:
            # An answer all the same, from a server that does not know the revision; the era
            # negotiation falls back on it.
            code = METHOD_NOT_FOUND if response.status_code == 404 else INVALID_REQUEST
            refusal = {"code": code, "message": f"HTTP {response.status_code}: {body[:BODY_EXCERPT].strip()}"}
            await self._send(sdk.incoming({"jsonrpc": "2.0", "id": answer_as, "error": refusal}))
            return
        await _raise_for_status(response)
        await self._fail(answer_as, HTTPStatusError(response.status_code, "the server answered without a result."))

    async def _deliver_modern(self, message: Wire, answer_as: Any) -> None:
        """Deliver the answer to a 2026-07-28 request, under the id the session waits for."""
        result = message.get("result")
        if isinstance(result, dict):
            # The revision's rule: a result without resultType is complete.
            result = {"resultType": "complete", **result}
            if result["resultType"] == "input_required":
                await self._show_input_requests(result)
            message = {**message, "result": result}
        await self._deliver({**message, "id": answer_as}, None)

    async def _show_input_requests(self, result: Wire) -> None:
        """Each input request of an `input_required` result, to `on_server_request`, as a request."""
        requests = result.get("inputRequests")
        if self._on_server_request is None or not isinstance(requests, dict):
            return
        for key, request in requests.items():
            if isinstance(request, dict):
                seen = {"jsonrpc": "2.0", "id": key, "method": request.get("method"), "params": request.get("params")}
                await call_maybe_async(self._on_server_request, seen)

    async def terminate(self) -> None:
        """DELETE the session, unless the server already forgot it. Never raises."""
        if self.session_id is None or self.expired:
            return
        with anyio.CancelScope(shield=True), anyio.move_on_after(DELETE_TIMEOUT):
            try:
                response = await self._http.delete(self.url, headers=self._headers())
                logger.debug("DELETE session %s: HTTP %s", self.session_id, response.status_code)
            except httpx.TransportError as exc:
                logger.debug("DELETE session %s failed: %s", self.session_id, _describe(exc))

    # -- incoming -------------------------------------------------------------------------

    async def _read_response(self, response: httpx.Response, request: Wire) -> None:
        content_type = response.headers.get("content-type", "").lower()
        if content_type.startswith(JSON):
            message = _parse((await response.aread()).decode(errors="replace"))
            if isinstance(message, Exception):
                reason = f"invalid JSON-RPC body: {message}"
                await self._fail(request["id"], HTTPStatusError(response.status_code, reason))
            else:
                await self._deliver(message, request)
        elif content_type.startswith(SSE):
            cursor = _Cursor()
            if not await self._drain(response, request, cursor):
                await self._resume(request, cursor)
        else:
            reason = f"expected a JSON or SSE answer to '{request['method']}', got content type {content_type!r}"
            await self._fail(request["id"], HTTPStatusError(response.status_code, reason))

    async def _drain(self, response: httpx.Response, request: Wire | None, cursor: _Cursor) -> bool:
        """Deliver the stream's messages; True once the response to `request` arrived."""
        try:
            async for event in EventSource(response).aiter_sse():
                cursor.observe(event)
                if not event.data:
                    continue  # a priming event: only its id and retry matter
                message = _parse(event.data)
                if isinstance(message, Exception):
                    await self._send(message)
                    continue
                await self._deliver(message, request)
                if request is not None and _answers(message, request):
                    return True
        except httpx.TransportError as exc:
            logger.debug("SSE stream dropped: %s", _describe(exc))
        return False

    async def _resume(self, request: Wire, cursor: _Cursor) -> None:
        """Reopen a response stream that ended before its response, as SSE resumption allows."""
        failures = 0
        reason = "the server closed the response stream before answering"
        while failures < self._policy.attempts:
            if cursor.last_event_id is None:
                break  # nothing to resume from
            await anyio.sleep(cursor.delay(self._policy))
            seen = cursor.last_event_id
            try:
                async with self._open_stream(seen) as response:
                    if response.status_code == 404:
                        self.expired = True
                        reason = "the session ended before the response arrived"
                        break
                    await _raise_for_status(response)
                    if await self._drain(response, request, cursor):
                        return
            except httpx.TransportError as exc:
                reason = _describe(exc)
            except HTTPStatusError as exc:
                reason = str(exc)
                break
            failures = 0 if cursor.last_event_id != seen else failures + 1
        await self._fail(request["id"], ConnectionLost(request["method"], reason))

    async def _listen(self) -> None:
        """Keep the standalone GET stream open for server-initiated messages."""
        cursor = _Cursor()
        failures = 0
        while not self.expired and failures < self._policy.attempts:
            try:
                async with self._open_stream(cursor.last_event_id) as response:
                    # Without a session id, a 404 only means there is no GET endpoint.
                    if response.status_code == 404 and self.session_id is not None:
                        self._expire()
                        return
                    if response.status_code >= 400:
                        logger.debug("No standalone stream: HTTP %s", response.status_code)
                        return
                    failures = 0
                    await self._drain(response, None, cursor)
            except httpx.TransportError as exc:
                failures += 1
                logger.debug("Standalone stream failed (%s/%s): %s", failures, self._policy.attempts, _describe(exc))
            await anyio.sleep(cursor.delay(self._policy))

    @asynccontextmanager
    async def _open_stream(self, last_event_id: str | None) -> AsyncIterator[httpx.Response]:
        headers = {**self._headers(), "accept": SSE}
        headers.pop("content-type")
        if last_event_id is not None:
            headers["last-event-id"] = last_event_id
        async with self._http.stream("GET", self.url, headers=headers) as response:
            yield response

    # -- plumbing -------------------------------------------------------------------------

    def _headers(self, message: Outgoing | None = None) -> dict[str, str]:
        headers = {"accept": f"{JSON}, {SSE}", "content-type": JSON}
        if self.session_id is not None:
            headers["mcp-session-id"] = self.session_id
        if self.protocol_version is not None:
            headers["mcp-protocol-version"] = self.protocol_version
        if message is not None:
            # What the SDK stamps on this message (mcp 2.x: the protocol version header).
            headers.update({name.lower(): value for name, value in message.headers.items()})
        return headers

    def _expire(self) -> None:
        if not self.expired:
            self.expired = True
            logger.info("Session %s expired (HTTP 404 on the standalone stream)", self.session_id)
            self._on_expired()

    async def _deliver(self, message: Wire, request: Wire | None) -> None:
        try:
            item = sdk.incoming(message)
        except ValueError as exc:
            await self._send(ValueError(f"the server sent a message that is not valid JSON-RPC: {exc}"))
            return
        if request is not None and request["method"] == "initialize" and _answers(message, request):
            version = (message.get("result") or {}).get("protocolVersion")
            self.protocol_version = version if isinstance(version, str) else None
        if _is_request(message) and self._on_server_request is not None:
            # Before the session answers it: also a request the client did not declare.
            await call_maybe_async(self._on_server_request, message)
        await self._send(item)

    def failure_for(self, request_id: Any) -> Exception | None:
        """The error this transport reported for `request_id`, if it reported one.

        The session may close before it reads that report; it then still learns why the
        request failed, and a 404 stays distinguishable from a broken connection.
        """
        return self._failures.get(str(request_id))

    async def _fail(self, request_id: Any, error: Exception) -> None:
        self._failures[str(request_id)] = error
        # The exception object as `data` only ever travels in memory: it is not JSON.
        error_object = {"code": INTERNAL_ERROR, "message": str(error), "data": error}
        await self._send(sdk.incoming({"jsonrpc": "2.0", "id": request_id, "error": error_object}))

    async def _refuse(self, request_id: Any, reason: str) -> None:
        refusal = {"jsonrpc": "2.0", "id": request_id, "error": {"code": METHOD_NOT_FOUND, "message": reason}}
        await self._send(sdk.incoming(refusal))

    async def _send(self, item: Any) -> None:
        try:
            await self._inbox.send(item)
        except (anyio.BrokenResourceError, anyio.ClosedResourceError):
            logger.debug("Dropped a message that arrived after the session closed")


@asynccontextmanager
async def streamable_http(
    http: httpx.AsyncClient,
    url: str,
    *,
    policy: ReconnectPolicy | None = None,
    on_expired: Callable[[], None] = lambda: None,
    on_server_request: Callable[[Wire], Any] | None = None,
    modern: bool = False,
) -> AsyncIterator[tuple[MemoryObjectReceiveStream[Any], MemoryObjectSendStream[Any], StreamableHTTPTransport]]:
    """Open the streams an SDK `ClientSession` needs, for one MCP session.

    Args:
        http: The client to send with; its headers, auth and timeouts apply.
        url: The MCP endpoint.
        policy: SSE reconnection limits.
        on_expired: Called once if the standalone GET stream gets 404 (a request that gets
            404 reports it to its caller instead).
        on_server_request: Called with every request the server sends (wire form), before
            the session answers it; on 2026-07-28, with every input request of an
            `input_required` result.
        modern: Forward `server/discover` and follow 2026-07-28's rules for the requests the
            SDK stamps for it; without it the transport speaks 2025-11-25 only.

    Yields:
        The read stream, the write stream (both carrying the installed SDK's session
        messages) and the transport (for its session id).
    """
    inbox, read_stream = anyio.create_memory_object_stream[Any](0)
    write_stream, outbox = anyio.create_memory_object_stream[Any](0)
    async with anyio.create_task_group() as task_group:
        transport = StreamableHTTPTransport(
            http,
            url,
            inbox,
            task_group,
            policy=policy or ReconnectPolicy(),
            on_expired=on_expired,
            on_server_request=on_server_request,
            modern=modern,
        )
        task_group.start_soon(transport.write_loop, outbox)
        try:
            yield read_stream, write_stream, transport
        finally:
            await transport.terminate()
            task_group.cancel_scope.cancel()
            await inbox.aclose()
            await write_stream.aclose()


def _parse(data: str) -> Wire | Exception:
    """One JSON-RPC message from its text; the SDK checks the rest when it is delivered."""
    try:
        message = json.loads(data)
    except ValueError as exc:
        return ValueError(f"the server sent a message that is not JSON: {exc}")
    if not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
        return ValueError("the server sent a message that is not a JSON-RPC 2.0 object")
    return message


def _stamped_modern(message: Outgoing) -> bool:
    """Whether the SDK stamped `message` for a session-less revision (2026-07-28)."""
    versions = [value for name, value in message.headers.items() if name.lower() == "mcp-protocol-version"]
    return bool(versions) and versions[0] in sdk.MODERN_VERSIONS


def _is_request(message: Wire) -> bool:
    return "method" in message and "id" in message


def _answers(message: Wire, request: Wire) -> bool:
    """Whether `message` is the response (or error) to `request`."""
    return "method" not in message and str(message.get("id")) == str(request["id"])


async def _raise_for_status(response: httpx.Response) -> None:
    if response.status_code < 300:
        return
    body = (await response.aread()).decode(errors="replace")[:BODY_EXCERPT].strip()
    if response.status_code in (401, 403):
        raise AuthenticationFailed(response.status_code, body)
    if response.status_code == 404:
        raise HTTPStatusError(404, "no MCP endpoint at this URL; check the path (servers usually serve /mcp).", body)
    if 300 <= response.status_code < 400:
        location = response.headers.get("location", "?")
        raise HTTPStatusError(response.status_code, f"the server redirects to {location}; use that URL.", body)
    raise HTTPStatusError(response.status_code, "the server refused the request.", body)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _label(message: Wire) -> str:
    method = message.get("method")
    return f"'{method}'" if method else f"the response to request {message.get('id', '?')}"
