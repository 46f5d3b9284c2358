"""Elicitation tools (temporary raw version)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mcp.server.fastmcp import Context

import toolkit

if TYPE_CHECKING:
    from mcp.server.fastmcp import FastMCP

__all__ = ["register_elicitation_tools"]

CONTACT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "username": {"type": "string", "description": "User's response"},
        "email": {"type": "string", "description": "User's email address"},
    },
    "required": ["username", "email"],
}
DEFAULTS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "description": "User name", "default": "John Doe"},
        "age": {"type": "integer", "description": "User age", "default": 30},
        "score": {"type": "number", "description": "User score", "default": 95.5},
        "status": {"type": "string", "enum": ["active", "inactive", "pending"], "default": "active"},
        "verified": {"type": "boolean", "default": True},
    },
}
ENUMS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "untitledSingle": {"type": "string", "enum": ["option1", "option2", "option3"]},
        "titledSingle": {
            "type": "string",
            "oneOf": [{"const": "value1", "title": "First Option"}, {"const": "value2", "title": "Second Option"}],
        },
        "legacyEnum": {"type": "string", "enum": ["opt1", "opt2"], "enumNames": ["Option One", "Option Two"]},
        "untitledMulti": {"type": "array", "items": {"type": "string", "enum": ["option1", "option2"]}},
        "titledMulti": {
            "type": "array",
            "items": {"anyOf": [{"const": "value1", "title": "First"}, {"const": "value2", "title": "Second"}]},
        },
    },
}


async def _ask(ctx: Context, message: str, schema: dict[str, Any]) -> str:
    toolkit.require_elicitation(ctx)
    result = await ctx.session.elicit_form(message, schema, related_request_id=ctx.request_id)  # type: ignore[arg-type]
    return f"action={result.action}, content={result.content}"


async def test_elicitation(message: str, ctx: Context) -> str:
    """Ask the user for a username and an email address."""
    return "User response: " + await _ask(ctx, message, CONTACT)


async def test_elicitation_sep1034_defaults(ctx: Context) -> str:
    """Ask for a profile whose every field has a default (SEP-1034)."""
    return "Elicitation completed: " + await _ask(ctx, "Please review the defaults", DEFAULTS)


async def test_elicitation_sep1330_enums(ctx: Context) -> str:
    """Ask for choices in every enum form (SEP-1330)."""
    return "Elicitation completed: " + await _ask(ctx, "Please choose", ENUMS)


def register_elicitation_tools(server: FastMCP) -> None:
    """Add the elicitation tools to `server`."""
    for tool in (test_elicitation, test_elicitation_sep1034_defaults, test_elicitation_sep1330_enums):
        server.add_tool(tool, structured_output=False)
