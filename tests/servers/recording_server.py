"""A minimal streamable-HTTP MCP server written against the wire, not an SDK.

It answers in plain JSON, offers no GET stream (405), and appends one line per HTTP request
to the file named by RECORD_PATH: `<HTTP method> <JSON-RPC method or -> <session id or ->`.
With `--forget` it answers 404 to every request that carries a session id, like a server
that loses its sessions at once. With `--stateless` it hands out no session id and has no
GET endpoint at all (404).

It also serves AgentCore Runtime's path, `/runtimes/{ARN}/invocations?qualifier=...`, and
with `--bearer TOKEN` or `--sigv4` it checks credentials the way AgentCore would: a bearer
token must match, and a SigV4 signature (access key and secret "testing", service
bedrock-agentcore) must verify against the request as received. Failures answer 401/403.
"""

from __future__ import annotations

import argparse
import json
import os
import uuid
from pathlib import Path
from typing import Any

import uvicorn
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

RECORD = Path(os.environ.get("RECORD_PATH", "record.txt"))
sessions: set[str] = set()
options = argparse.Namespace(forget=False, stateless=False, bearer=None, sigv4=False, region="us-east-1")

RESULTS: dict[str, dict[str, Any]] = {
    "ping": {},
    "tools/list": {"tools": [{"name": "noop", "inputSchema": {"type": "object", "properties": {}}}]},
    "tools/call": {"content": [{"type": "text", "text": "ok"}]},
}


def record(http_method: str, rpc_method: str | None, session_id: str | None) -> None:
    write_line(f"{http_method} {rpc_method or '-'} {session_id or '-'}")


def write_line(line: str) -> None:
    with RECORD.open("a", encoding="utf-8") as out:
        out.write(line + "\n")


def refusal(request: Request, body: bytes) -> Response | None:
    """The 401/403 AgentCore would send, or None when the credentials check out."""
    authorization = request.headers.get("authorization", "")
    if options.bearer is not None and authorization != f"Bearer {options.bearer}":
        return Response("bad bearer token", status_code=401)
    if options.sigv4 and not signature_matches(request, body, authorization):
        return Response("signature does not match", status_code=403)
    return None


def signature_matches(request: Request, body: bytes, authorization: str) -> bool:
    fields = dict(part.strip().split("=", 1) for part in authorization.removeprefix("AWS4-HMAC-SHA256 ").split(","))
    if "SignedHeaders" not in fields or "x-amz-date" not in request.headers:
        return False
    names = fields["SignedHeaders"].split(";")
    # Sign over the path as sent (still percent-encoded), as AWS does; Starlette's URL is decoded.
    raw_url = f"http://{request.headers['host']}{request.scope['raw_path'].decode()}"
    if request.scope["query_string"]:
        raw_url += "?" + request.scope["query_string"].decode()
    received = AWSRequest(
        method=request.method,
        url=raw_url,
        data=body,
        headers={name: request.headers[name] for name in names if name in request.headers},
    )
    received.context["timestamp"] = request.headers["x-amz-date"]
    signer = SigV4Auth(Credentials("testing", "testing"), "bedrock-agentcore", options.region)
    expected = signer.signature(signer.string_to_sign(received, signer.canonical_request(received)), received)
    return fields.get("Signature") == expected


async def invocations(request: Request) -> Response:
    if request.query_params.get("qualifier") != "DEFAULT":
        return Response("unknown qualifier", status_code=404)
    write_line(f"PATH {request.scope['raw_path'].decode()}")
    return await mcp(request)


async def mcp(request: Request) -> Response:
    session_id = request.headers.get("mcp-session-id")
    body = await request.body()
    refused = refusal(request, body)
    if refused is not None:
        return refused
    if request.method != "POST":
        record(request.method, None, session_id)
        if request.method == "GET":
            return Response(status_code=404 if options.stateless else 405)
        return Response(status_code=200)
    message = json.loads(body)
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
        headers = {} if options.stateless else {"mcp-session-id": new_id}
        return JSONResponse({"jsonrpc": "2.0", "id": message["id"], "result": result}, headers=headers)
    if session_id is not None and (options.forget or session_id not in sessions):
        return Response("session not found", status_code=404)
    if "id" not in message:
        return Response(status_code=202)
    return JSONResponse({"jsonrpc": "2.0", "id": message["id"], "result": RESULTS.get(method, {})})


app = Starlette(
    routes=[
        Route("/mcp", mcp, methods=["GET", "POST", "DELETE"]),
        Route("/runtimes/{arn:path}/invocations", invocations, methods=["GET", "POST", "DELETE"]),
    ]
)

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--forget", action="store_true")
    parser.add_argument("--stateless", action="store_true")
    parser.add_argument("--bearer")
    parser.add_argument("--sigv4", action="store_true")
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.parse_args(namespace=options)
    uvicorn.run(app, host=options.host, port=options.port, log_level="warning")
