"""The ledger test server, except that it never answers a DELETE: a client closing its
session waits until its own DELETE timeout, or until it leaves. A DELETE writes `delete` to
the ledger, so a test knows the client has reached that point."""

from __future__ import annotations

import argparse

from ledger_server import server, write
from starlette.types import ASGIApp, Receive, Scope, Send


class StallDeletes:
    """ASGI middleware that holds every DELETE open until the client hangs up."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "DELETE":
            write("delete")
            while (await receive())["type"] != "http.disconnect":
                pass
            return
        await self.app(scope, receive, send)


build_app = server.streamable_http_app
server.streamable_http_app = lambda: StallDeletes(build_app())  # type: ignore[method-assign,assignment,return-value]


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--host")
    parser.add_argument("--port", type=int)
    options = parser.parse_args()
    server.serve(options.host, options.port)
