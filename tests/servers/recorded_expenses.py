"""The expense demo server (its real tools and SQLite store) behind a recorder: every JSON-RPC
message POSTed to it is appended to the file named by RECORD_PATH as one JSON object per line
before the server sees it, so a test knows what reached the server, e.g. the
`notifications/cancelled` for a `tools/call`."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from demo_servers.expenses.server import create_server
from demo_servers.expenses.store import open_expense_store

RECORD = Path(os.environ.get("RECORD_PATH", "record.txt"))


class RecordMessages:
    """ASGI middleware that records each POSTed JSON-RPC message, then passes the request on."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        record(body)
        replayed: list[Message] = [{"type": "http.request", "body": body, "more_body": False}]

        async def receive_again() -> Message:
            return replayed.pop() if replayed else await receive()

        await self.app(scope, receive_again, send)


def record(body: bytes) -> None:
    try:
        parsed: Any = json.loads(body)
    except ValueError:
        return
    with RECORD.open("a", encoding="utf-8") as out:
        for message in parsed if isinstance(parsed, list) else [parsed]:
            if isinstance(message, dict) and "method" in message:
                out.write(json.dumps(message) + "\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", required=True)
    parser.add_argument("--host")
    parser.add_argument("--port", type=int)
    options = parser.parse_args()
    server = create_server(open_expense_store(options.store))
    build_app = server.streamable_http_app
    server.streamable_http_app = lambda: RecordMessages(build_app())  # type: ignore[method-assign,assignment,return-value]
    server.serve(options.host, options.port)
