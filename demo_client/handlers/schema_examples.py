"""Plausible values built from a JSON schema: a tool's arguments, or a form filled with defaults.

`exercise` calls every tool of a server without knowing it, so it needs arguments that pass
the tool's `inputSchema`; answering an elicitation "with the defaults" needs a value for
every required field that has none. The rule is the same for both: take the schema's
`default`, else its first example, enum option or `const`, else the smallest value its
type and bounds allow.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["example_arguments", "example_value", "form_defaults"]

_FORMAT_EXAMPLES = {
    "email": "user@example.com",
    "uri": "https://example.com/",
    "date": "2025-01-01",
    "date-time": "2025-01-01T00:00:00Z",
}
# Marks "the schema suggests nothing", since None is a value a schema may suggest.
_NONE = object()
# Deep or self-referencing schemas stop here rather than recursing forever.
_MAX_DEPTH = 8


def example_arguments(input_schema: Mapping[str, Any]) -> dict[str, Any]:
    """Arguments for a tool: every required property, each with an example value."""
    value = example_value(input_schema, root=input_schema)
    return value if isinstance(value, dict) else {}


def form_defaults(requested_schema: Mapping[str, Any]) -> dict[str, Any]:
    """Content for a form accepted as is: every default, plus a value for each required field."""
    properties: Mapping[str, Any] = requested_schema.get("properties") or {}
    required = set(requested_schema.get("required") or [])
    content: dict[str, Any] = {}
    for name, prop in properties.items():
        if isinstance(prop, Mapping) and ("default" in prop or name in required):
            content[name] = example_value(prop)
    return content


def example_value(schema: Any, *, root: Mapping[str, Any] | None = None, depth: int = 0) -> Any:
    """One value that `schema` accepts, preferring what the schema itself suggests."""
    if not isinstance(schema, Mapping) or depth > _MAX_DEPTH:
        return None
    schema = _resolve(schema, root or schema)
    suggested = _suggested(schema)
    if suggested is not _NONE:
        return suggested
    for key in ("anyOf", "oneOf", "allOf"):
        options = [option for option in schema.get(key) or [] if _type_of(option) != "null"]
        if options:
            return example_value(options[0], root=root, depth=depth + 1)
    return _by_type(schema, root, depth)


def _suggested(schema: Mapping[str, Any]) -> Any:
    if "default" in schema:
        return schema["default"]
    if "const" in schema:
        return schema["const"]
    if schema.get("examples"):
        return schema["examples"][0]
    if schema.get("enum"):
        return schema["enum"][0]
    return _NONE


def _by_type(schema: Mapping[str, Any], root: Mapping[str, Any] | None, depth: int) -> Any:
    kind = _type_of(schema)
    if kind == "object" or (kind is None and "properties" in schema):
        required = schema.get("required") or []
        properties = schema.get("properties") or {}
        return {name: example_value(properties.get(name, {}), root=root, depth=depth + 1) for name in required}
    if kind == "array":
        count = schema.get("minItems", 0)
        options = _distinct_options(schema.get("items"))
        if len(options) >= count:
            # A multi-select refuses an option chosen twice, so each item is another option.
            return options[:count]
        item = example_value(schema.get("items", {}), root=root, depth=depth + 1)
        return [item] * count
    if kind == "string":
        return _example_string(schema)
    if kind in ("number", "integer"):
        return _example_number(schema, kind)
    if kind == "boolean":
        return False
    return None


def _distinct_options(items: Any) -> list[str]:
    """The string options of a multi-select's items (`enum`, or `anyOf` of `const`s), else none."""
    if not isinstance(items, Mapping):
        return []
    if isinstance(items.get("enum"), list):
        values = items["enum"]
    else:
        values = [option.get("const") for option in items.get("anyOf") or [] if isinstance(option, Mapping)]
    return list(dict.fromkeys(value for value in values if isinstance(value, str)))


def _example_string(schema: Mapping[str, Any]) -> str:
    if schema.get("format") in _FORMAT_EXAMPLES:
        return _FORMAT_EXAMPLES[schema["format"]]
    return "x" * max(1, schema.get("minLength", 1))


def _example_number(schema: Mapping[str, Any], kind: str) -> int | float:
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    value: float = 1
    if low is not None:
        value = low + (1 if "exclusiveMinimum" in schema and "minimum" not in schema else 0)
    elif high is not None and high < value:
        value = high - (1 if "exclusiveMaximum" in schema and "maximum" not in schema else 0)
    return int(value) if kind == "integer" else value


def _type_of(schema: Any) -> str | None:
    if not isinstance(schema, Mapping):
        return None
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        return kinds[0] if kinds else "null"
    return kind


def _resolve(schema: Mapping[str, Any], root: Mapping[str, Any]) -> Mapping[str, Any]:
    """Follow a local `$ref` such as ``#/$defs/Address`` (one level per call)."""
    ref = schema.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#/"):
        return schema
    target: Any = root
    for part in ref[2:].split("/"):
        target = target.get(part) if isinstance(target, Mapping) else None
    return target if isinstance(target, Mapping) else {}
