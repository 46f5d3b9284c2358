"""The SDK `ClientSession`, declaring exactly the chosen capabilities and cancelling on the wire.

Two things the SDK session does not do: it derives its declaration from which callbacks were
passed (and always declares both elicitation modes), and a request abandoned by a timeout or
Ctrl-C is simply forgotten, so the server keeps working on it. Here the declaration comes from
`Capabilities`, and abandoning a request sends `notifications/cancelled` for its id.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import suppress
from datetime import timedelta
from types import TracebackType
from typing import Any

import anyio
from mcp import ClientSession
from mcp.shared.exceptions import McpError
from mcp.shared.message import MessageMetadata
from mcp.shared.session import ProgressFnT, RequestResponder
from mcp.shared.version import SUPPORTED_PROTOCOL_VERSIONS
from mcp.types import (
    CONNECTION_CLOSED,
    LATEST_PROTOCOL_VERSION,
    CancelledNotification,
    CancelledNotificationParams,
    ClientCapabilities,
    ClientNotification,
    ClientRequest,
    ClientResult,
    ErrorData,
    InitializedNotification,
    InitializeRequest,
    InitializeRequestParams,
    InitializeResult,
    JSONRPCError,
    RequestId,
    ServerRequest,
)

from ..client.callbacks import call_maybe_async
from ..client.transport import NotSent
from ..errors import ConfigurationError

__all__ = ["DeclaringSession"]

logger = logging.getLogger(__name__)

# Sending the cancellation must not hold up the caller that is being cancelled.
CANCEL_NOTICE_TIMEOUT = 2.0


class DeclaringSession(ClientSession):
    """A `ClientSession` that declares `declared` and cancels abandoned requests on the wire.

    Args:
        *args: Passed to `ClientSession` (read stream, write stream).
        declared: The `capabilities` object to send on `initialize`.
        known_failure: The transport's error for a request id, for requests still waiting at close.
        on_request: Called with every request the server sends, before it is answered.
        **kwargs: Passed to `ClientSession` (callbacks, client info).
    """

    def __init__(
        self,
        *args: Any,
        declared: ClientCapabilities,
        known_failure: Callable[[RequestId], Exception | None] = lambda request_id: None,
        on_request: Callable[[ServerRequest], Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._declared = declared
        self._known_failure = known_failure
        self._on_request = on_request

    async def _received_request(self, responder: RequestResponder[ServerRequest, ClientResult]) -> None:
        """Show each server-to-client request to `on_request` before the SDK answers it.

        The SDK answers a request the client never declared (elicitation without the
        capability, say) with an error and tells nobody; `on_request` sees every one, so a
        caller can count such protocol violations (see `demo_client.request_audit`).
        """
        if self._on_request is not None:
            await call_maybe_async(self._on_request, responder.request)
        await super()._received_request(responder)

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool | None:
        try:
            return await super().__aexit__(exc_type, exc, tb)
        finally:
            self._fail_pending()

    def _fail_pending(self) -> None:
        """Answer every request still waiting, so no caller in another task waits forever.

        The SDK tries this in its receive loop, but the loop is cancelled when the session
        closes, so callers in other tasks would hang.
        """
        for request_id, stream in list(self._response_streams.items()):
            reason = self._known_failure(request_id)
            error = ErrorData(
                code=CONNECTION_CLOSED, message="The session closed before the response arrived.", data=reason
            )
            # WouldBlock: the response itself arrived first and waits in the buffer.
            with suppress(anyio.WouldBlock, anyio.BrokenResourceError, anyio.ClosedResourceError):
                stream.send_nowait(JSONRPCError(jsonrpc="2.0", id=request_id, error=error))
        self._response_streams.clear()

    async def initialize(self) -> InitializeResult:
        """Run the handshake with the declared capabilities."""
        params = InitializeRequestParams(
            protocolVersion=LATEST_PROTOCOL_VERSION, capabilities=self._declared, clientInfo=self._client_info
        )
        result = await self.send_request(ClientRequest(InitializeRequest(params=params)), InitializeResult)
        if str(result.protocolVersion) not in SUPPORTED_PROTOCOL_VERSIONS:
            raise ConfigurationError(
                f"The server speaks protocol {result.protocolVersion}; this client supports "
                f"{', '.join(SUPPORTED_PROTOCOL_VERSIONS)}."
            )
        self._server_capabilities = result.capabilities
        await self.send_notification(ClientNotification(InitializedNotification()))
        return result

    async def send_request(
        self,
        request: ClientRequest,
        result_type: type[Any],
        request_read_timeout_seconds: timedelta | None = None,
        metadata: MessageMetadata = None,
        progress_callback: ProgressFnT | None = None,
    ) -> Any:
        """Send `request`; if the caller is cancelled meanwhile, tell the server to stop."""
        request_id = self._request_id
        try:
            return await super().send_request(
                request, result_type, request_read_timeout_seconds, metadata, progress_callback
            )
        except (anyio.BrokenResourceError, anyio.ClosedResourceError) as exc:
            # The transport is gone, so the request never left: safe to send on a new session.
            raise McpError(ErrorData(code=CONNECTION_CLOSED, message=str(NotSent()), data=NotSent())) from exc
        except anyio.get_cancelled_exc_class():
            # The spec forbids cancelling `initialize`.
            if not isinstance(request.root, InitializeRequest):
                await self._notify_cancelled(request_id)
            raise

    async def _notify_cancelled(self, request_id: int) -> None:
        notice = CancelledNotification(
            params=CancelledNotificationParams(requestId=request_id, reason="The client stopped waiting.")
        )
        with anyio.CancelScope(shield=True), anyio.move_on_after(CANCEL_NOTICE_TIMEOUT):
            try:
                await self.send_notification(ClientNotification(notice))
            except (anyio.BrokenResourceError, anyio.ClosedResourceError):
                logger.debug("Could not send the cancellation of request %s: session closed", request_id)
