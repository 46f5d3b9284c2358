"""A minimal streamable-HTTP MCP server written against the wire, not an SDK.

It answers in plain JSON, offers no GET stream (405), and appends one line per HTTP request
to the file named by RECORD_PATH: `<HTTP method> <JSON-RPC method or -> <session id or ->`.
With `--forget` it answers 404 to every request that carries a session id, like a server
that loses its sessions at once.
"""

from __future__ import annotations

import argparse
import json
import os
import uuid
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

RECORD = Path(os.environ.get("RECORD_PATH", "record.txt"))
sessions: set[str] = set()
forget = False

RESULTS: dict[str, dict[str, Any]] = {
    "ping": {},
    "tools/list": {"tools": [{"name": "noop", "inputSchema": {"type": "object", "properties": {}}}]},
    "tools/call": {"content": [{"type": "text", "text": "ok"}]},
}


def record(http_method: str, rpc_method: str | None, session_id: str | None) -> None:
    with RECORD.open("a", encoding="utf-8") as out:
        out.write(f"{http_method} {rpc_method or '-'} {session_id or '-'}\n")


async def mcp(request: Request) -> Response:
    session_id = request.headers.get("mcp-session-id")
    if request.method != "POST":
        record(request.method, None, session_id)
        return Response(status_code=200 if request.method == "DELETE" else 405)
    message = json.loads(await request.body())
    method = message.get("method")
    record("POST", method, session_id)
    if method == "initialize":
        new_id = uuid.uuid4().hex
        sessions.add(new_id)
        result = {
            "protocolVersion": "2025-11-25",
            "capabilities": {"tools": {}},
            "serverInfo": {"name": "recording", "version": "0"},
        }
        return JSONResponse(
            {"jsonrpc": "2.0", "id": message["id"], "result": result}, headers={"mcp-session-id": new_id}
        )
    if session_id is not None and (forget or session_id not in sessions):
        return Response("session not found", status_code=404)
    if "id" not in message:
        return Response(status_code=202)
    return JSONResponse({"jsonrpc": "2.0", "id": message["id"], "result": RESULTS.get(method, {})})


app = Starlette(routes=[Route("/mcp", mcp, methods=["GET", "POST", "DELETE"])])

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--forget", action="store_true")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    options = parser.parse_args()
    forget = options.forget
    uvicorn.run(app, host=options.host, port=options.port, log_level="warning")
