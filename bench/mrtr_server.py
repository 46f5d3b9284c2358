"""The server of the `client_mrtr` benchmark: one mcp 2.x MCPServer tool that asks once.

`confirm` answers a 2026-07-28 call with one input request (a one-field form) and a
`requestState`; the retry that carries the answer gets the text "confirmed". Run as
`python -m bench.mrtr_server --port N` (mcp 2.x only).
"""

from __future__ import annotations

import argparse

import mcp_types as types
import uvicorn
from mcp.server.mcpserver import Context, MCPServer

SCHEMA: types.ElicitRequestedSchema = {
    "type": "object",
    "properties": {"ok": {"type": "boolean"}},
    "required": ["ok"],
}

server = MCPServer("bench-mrtr", version="1.0.0")


@server.tool()
async def confirm(ctx: Context) -> str | types.InputRequiredResult:
    """Ask for one confirmation, then answer."""
    answered = ctx.input_responses or {}
    if "ok" in answered:
        return "confirmed"
    question = types.ElicitRequest(params=types.ElicitRequestFormParams(message="Go on?", requested_schema=SCHEMA))
    return types.InputRequiredResult(input_requests={"ok": question}, request_state="asked")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    options = parser.parse_args()
    app = server.streamable_http_app(streamable_http_path="/mcp", host="127.0.0.1")
    uvicorn.run(app, host="127.0.0.1", port=options.port, log_level="warning")


if __name__ == "__main__":
    main()
