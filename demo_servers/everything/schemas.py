"""A tool whose input schema uses JSON Schema 2020-12 keywords (`json-schema-2020-12`).

The schema is the scenario's fixture: `$schema`, `$defs` with an `$anchor`, `allOf`/`anyOf`,
`if`/`then`/`else` and `additionalProperties: false`.

The SDK derives a tool's input schema from the function signature, which never yields a
`$schema` or a top-level `additionalProperties: false`. The tool is built with
`toolkit.server.content.schema_tool`, which advertises the schema as given; the function
signature still validates the arguments.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from toolkit.server import content

__all__ = ["INPUT_SCHEMA", "REGION_SCHEMA", "json_schema_2020_12_tool", "x_mcp_header_tool"]

INPUT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "$defs": {
        "address": {
            "$anchor": "addressDef",
            "type": "object",
            "properties": {"street": {"type": "string"}, "city": {"type": "string"}},
        }
    },
    "properties": {
        "name": {"type": "string"},
        "address": {"$ref": "#/$defs/address"},
        "contactMethod": {"type": "string", "enum": ["phone", "email"]},
        "phone": {"type": "string"},
        "email": {"type": "string"},
    },
    # Composition and conditional keywords (SEP-2106): a phone or an email, and the one
    # `contactMethod` names.
    "allOf": [{"anyOf": [{"required": ["phone"]}, {"required": ["email"]}]}],
    "if": {"properties": {"contactMethod": {"const": "phone"}}, "required": ["contactMethod"]},
    "then": {"required": ["phone"]},
    "else": {"required": ["email"]},
    "additionalProperties": False,
}


class Address(BaseModel):
    """A postal address, as `$defs/address` describes it."""

    street: str | None = None
    city: str | None = None


def describe_person(
    name: str | None = None,
    address: Address | None = None,
    contactMethod: Literal["phone", "email"] | None = None,  # camelCase: the suite's schema names it so
    phone: str | None = None,
    email: str | None = None,
) -> str:
    """Echo the name and city it was given, and how to reach the person."""
    city = address.city if address and address.city else "an unknown city"
    reach = phone if contactMethod == "phone" else email
    return f"{name or 'Someone'} lives in {city}" + (f"; reach them at {reach}." if reach else ".")


def json_schema_2020_12_tool() -> Any:
    """`json_schema_2020_12_tool`, advertising `INPUT_SCHEMA` as its input schema (for `tools=[...]`)."""
    return content.schema_tool(
        describe_person,
        name="json_schema_2020_12_tool",
        description="Tool with JSON Schema 2020-12 features",
        input_schema=INPUT_SCHEMA,
    )


#: An argument mirrored in an HTTP header (SEP-2243): a 2026-07-28 client sends `region` also as
#: `Mcp-Param-Region`, and the server refuses a request whose header and body disagree.
REGION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"region": {"type": "string", "description": "Where to run", "x-mcp-header": "Region"}},
    "required": ["region"],
}


def echo_region(region: str) -> str:
    """Say which region was asked for."""
    return f"Region: {region}"


def x_mcp_header_tool() -> Any:
    """`test_x_mcp_header`, whose `region` argument travels in the `Mcp-Param-Region` header too."""
    return content.schema_tool(
        echo_region,
        name="test_x_mcp_header",
        description="Tool whose region argument is mirrored in the Mcp-Param-Region header",
        input_schema=REGION_SCHEMA,
    )

