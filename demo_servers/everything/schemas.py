"""A tool whose input schema uses JSON Schema 2020-12 keywords (`json-schema-2020-12`).

The SDK derives a tool's input schema from the function signature, which never yields a
`$schema` or a top-level `additionalProperties: false`. The tool is built with
`toolkit.server.content.schema_tool`, which advertises the schema as given; the function
signature still validates the arguments.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from toolkit.server import content

__all__ = ["INPUT_SCHEMA", "json_schema_2020_12_tool"]

INPUT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "$defs": {
        "address": {
            "type": "object",
            "properties": {"street": {"type": "string"}, "city": {"type": "string"}},
        }
    },
    "properties": {"name": {"type": "string"}, "address": {"$ref": "#/$defs/address"}},
    "additionalProperties": False,
}


class Address(BaseModel):
    """A postal address, as `$defs/address` describes it."""

    street: str | None = None
    city: str | None = None


def describe_person(name: str | None = None, address: Address | None = None) -> str:
    """Echo the name and city it was given."""
    city = address.city if address and address.city else "an unknown city"
    return f"{name or 'Someone'} lives in {city}."


def json_schema_2020_12_tool() -> Any:
    """`json_schema_2020_12_tool`, advertising `INPUT_SCHEMA` as its input schema (for `tools=[...]`)."""
    return content.schema_tool(
        describe_person,
        name="json_schema_2020_12_tool",
        description="Tool with JSON Schema 2020-12 features",
        input_schema=INPUT_SCHEMA,
    )
