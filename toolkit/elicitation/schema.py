"""The protocol's restricted `requestedSchema` for form-mode elicitation, and answers to it.

MCP 2025-11-25 allows a form to be a flat object whose properties each take one of a few
primitive shapes: string (optionally with a `format`), number or integer, boolean,
single-select enum (plain `enum`, titled `oneOf`, or the legacy `enumNames`) and
multi-select enum (an array of plain or titled options). Nothing nests, nothing refers
elsewhere, and nothing is nullable.

`requested_schema_problems` lists every rule a schema breaks, written from the
specification rather than from any SDK, so a server can check what it sends and a client
can check what it receives. `form_content_problems` does the same for an accepted answer.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from email_validator import EmailNotValidError, validate_email

from ..errors import InvalidArgument

__all__ = [
    "STRING_FORMATS",
    "FieldProblem",
    "check_requested_schema",
    "choice_values",
    "form_content_problems",
    "property_problems",
    "requested_schema_problems",
    "value_problem",
]

#: The only `format` values a string property may carry.
STRING_FORMATS = ("email", "uri", "date", "date-time")

_TOP_KEYS = frozenset({"type", "properties", "required", "$schema"})
_COMMON_KEYS = frozenset({"type", "title", "description", "default"})
_ALLOWED_KEYS = {
    "string": _COMMON_KEYS | {"minLength", "maxLength", "format"},
    "number": _COMMON_KEYS | {"minimum", "maximum"},
    "boolean": _COMMON_KEYS,
    "enum": _COMMON_KEYS | {"enum"},
    "legacy-enum": _COMMON_KEYS | {"enum", "enumNames"},
    "titled-enum": _COMMON_KEYS | {"oneOf"},
    "multi-select": _COMMON_KEYS | {"items", "minItems", "maxItems"},
}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S+")


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One broken rule, in a schema or in an answer.

    Attributes:
        field: The property it concerns, or None when it concerns the whole object.
        problem: What is wrong, phrased for the person who has to fix it.
    """

    field: str | None
    problem: str

    def __str__(self) -> str:
        return f"{self.field}: {self.problem}" if self.field is not None else self.problem


def requested_schema_problems(schema: Any) -> list[FieldProblem]:
    """Every way `schema` breaks the protocol's rules for a form-mode `requestedSchema`.

    Beyond the shapes, the checks include what makes a form impossible to fill in:
    bounds that contradict each other, empty or repeated options, required names with
    no property, and defaults that the property itself would reject.

    Args:
        schema: The decoded JSON value sent as `requestedSchema`.

    Returns:
        The problems found; empty when the schema is valid.
    """
    if not isinstance(schema, Mapping):
        return [FieldProblem(None, f"must be a JSON object, not {_json_type(schema)}")]
    problems = [
        FieldProblem(None, f"'{key}' is not allowed at the top level") for key in schema if key not in _TOP_KEYS
    ]
    if schema.get("type") != "object":
        problems.append(FieldProblem(None, "'type' must be \"object\""))
    properties = schema.get("properties")
    if not isinstance(properties, Mapping):
        return [*problems, FieldProblem(None, "'properties' must be an object mapping names to fields")]
    for name, prop in properties.items():
        problems += [FieldProblem(name, text) for text in property_problems(prop)]
    return problems + _required_problems(schema.get("required", []), properties)


def check_requested_schema(schema: Any) -> None:
    """Raise `InvalidArgument` listing every problem, unless `schema` is a valid form.

    Args:
        schema: The decoded JSON value sent as `requestedSchema`.
    """
    problems = requested_schema_problems(schema)
    if problems:
        raise InvalidArgument.for_requested_schema(problems)


def form_content_problems(schema: Mapping[str, Any], content: Any) -> list[FieldProblem]:
    """Every way an accepted answer's `content` fails to fit a valid `requestedSchema`.

    A missing answer, keys the form does not have, missing required fields, wrong JSON
    types, values outside the options or bounds, malformed formats, text that is not valid
    Unicode (a lone surrogate, which no UTF-8 store or response can hold) and options chosen
    more than once in a multi-select are all reported. A `null` value counts as not given.

    Args:
        schema: A schema that passes `check_requested_schema`.
        content: The decoded `content` of the client's answer (None when it sent none).

    Returns:
        The problems found; empty when the answer fits.
    """
    if content is None:
        return [FieldProblem(None, "the answer was accepted but carried no content; please fill in the form")]
    if not isinstance(content, Mapping):
        return [FieldProblem(None, f"the content must be an object of field values, not {_json_type(content)}")]
    properties: Mapping[str, Any] = schema["properties"]
    problems = [FieldProblem(_key(key), "is not a field of this form") for key in content if key not in properties]
    for name in schema.get("required", []):
        if content.get(name) is None:
            problems.append(FieldProblem(name, "is required"))
    for name, value in content.items():
        if name in properties and value is not None:
            problem = value_problem(properties[name], value)
            if problem is not None:
                problems.append(FieldProblem(name, problem))
    return problems


def choice_values(prop: Mapping[str, Any]) -> list[str] | None:
    """The option values of an enum or multi-select property, or None for other shapes."""
    shape = _shape(prop)
    if shape in ("enum", "legacy-enum"):
        return list(prop["enum"])
    if shape == "titled-enum":
        return [option["const"] for option in prop["oneOf"]]
    if shape == "multi-select":
        items = prop["items"]
        return list(items["enum"]) if "enum" in items else [option["const"] for option in items["anyOf"]]
    return None


def value_problem(prop: Mapping[str, Any], value: Any) -> str | None:
    """Why `value` is not a valid answer for the (valid) property `prop`, or None if it is."""
    shape = _shape(prop)
    if shape == "string":
        return _string_value_problem(prop, value)
    if shape == "number":
        return _number_value_problem(prop, value)
    if shape == "boolean":
        return None if isinstance(value, bool) else f"must be true or false, not {_json_type(value)}"
    if shape == "multi-select":
        return _multi_value_problem(prop, value)
    return _choice_value_problem(prop, value)


def property_problems(prop: Any) -> list[str]:
    """Every way one property breaks the protocol's primitive shapes, as plain sentences."""
    if not isinstance(prop, Mapping):
        return [f"must be an object describing one field, not {_json_type(prop)}"]
    shape = _shape(prop)
    if shape is None:
        return [_unknown_shape(prop)]
    problems = [f"'{key}' is not allowed on a {shape} field" for key in prop if key not in _ALLOWED_KEYS[shape]]
    for key in ("title", "description"):
        if key in prop and not isinstance(prop[key], str):
            problems.append(f"'{key}' must be a string")
    problems += _SHAPE_CHECKS[shape](prop)
    if not problems and "default" in prop:
        problem = value_problem(prop, prop["default"])
        if problem is not None:
            problems.append(f"its default {prop['default']!r} is not a valid answer: {problem}")
    return problems


def _shape(prop: Mapping[str, Any]) -> str | None:
    kind = prop.get("type")
    if kind == "string":
        if "oneOf" in prop:
            return "titled-enum"
        if "enum" in prop:
            return "legacy-enum" if "enumNames" in prop else "enum"
        return "string"
    if kind in ("number", "integer"):
        return "number"
    if kind in ("boolean", "array"):
        return "boolean" if kind == "boolean" else "multi-select"
    return None


def _unknown_shape(prop: Mapping[str, Any]) -> str:
    nested = [key for key in ("anyOf", "allOf", "oneOf", "$ref", "properties") if key in prop]
    if nested:
        return f"uses {', '.join(nested)}, but fields must be flat primitives (no nesting, references or unions)"
    if "type" not in prop:
        return "has no 'type'"
    return f"has type {prop['type']!r}; use string, number, integer, boolean or array (multi-select)"


def _string_problems(prop: Mapping[str, Any]) -> list[str]:
    problems = _bounds_problems(prop, "minLength", "maxLength", _is_count)
    if "format" in prop and prop["format"] not in STRING_FORMATS:
        problems.append(f"'format' must be one of {', '.join(STRING_FORMATS)}, not {prop['format']!r}")
    if "enumNames" in prop:
        problems.append("'enumNames' needs 'enum'")
    return problems


def _number_problems(prop: Mapping[str, Any]) -> list[str]:
    return _bounds_problems(prop, "minimum", "maximum", _is_number)


def _no_problems(prop: Mapping[str, Any]) -> list[str]:
    return []


def _enum_problems(prop: Mapping[str, Any]) -> list[str]:
    return _options_problems(prop["enum"], "'enum'")


def _legacy_enum_problems(prop: Mapping[str, Any]) -> list[str]:
    problems = _options_problems(prop["enum"], "'enum'")
    names = prop["enumNames"]
    if not (isinstance(names, list) and all(isinstance(name, str) for name in names)):
        problems.append("'enumNames' must be a list of strings")
    elif isinstance(prop["enum"], list) and len(names) != len(prop["enum"]):
        problems.append("'enumNames' must name every value of 'enum', in the same order")
    return problems


def _titled_enum_problems(prop: Mapping[str, Any]) -> list[str]:
    return _titled_options_problems(prop["oneOf"], "'oneOf'")


def _multi_select_problems(prop: Mapping[str, Any]) -> list[str]:
    problems = _bounds_problems(prop, "minItems", "maxItems", _is_count)
    items = prop.get("items")
    if not isinstance(items, Mapping):
        return [*problems, "'items' must be an object listing the options"]
    if set(items) == {"type", "enum"} and items["type"] == "string":
        options_problems = _options_problems(items["enum"], "'items.enum'")
    elif set(items) == {"anyOf"}:
        options_problems = _titled_options_problems(items["anyOf"], "'items.anyOf'")
    else:
        return [*problems, "'items' must be {type: \"string\", enum: [...]} or {anyOf: [{const, title}, ...]}"]
    problems += options_problems
    minimum = prop.get("minItems")
    if not problems and _is_count(minimum) and minimum > len(choice_values(prop) or []):
        problems.append(f"'minItems' is {minimum}, but there are only {len(choice_values(prop) or [])} options")
    return problems


_SHAPE_CHECKS = {
    "string": _string_problems,
    "number": _number_problems,
    "boolean": _no_problems,
    "enum": _enum_problems,
    "legacy-enum": _legacy_enum_problems,
    "titled-enum": _titled_enum_problems,
    "multi-select": _multi_select_problems,
}


def _bounds_problems(prop: Mapping[str, Any], low: str, high: str, valid: Any) -> list[str]:
    problems = [
        f"'{key}' must be a {_bound_kind(valid)}" for key in (low, high) if key in prop and not valid(prop[key])
    ]
    if not problems and low in prop and high in prop and prop[low] > prop[high]:
        problems.append(f"'{low}' ({prop[low]}) is greater than '{high}' ({prop[high]})")
    return problems


def _bound_kind(valid: Any) -> str:
    return "non-negative integer" if valid is _is_count else "number"


def _options_problems(options: Any, where: str) -> list[str]:
    if not isinstance(options, list) or not options:
        return [f"{where} must be a non-empty list of strings"]
    if not all(isinstance(option, str) for option in options):
        return [f"{where} must hold only strings"]
    if len(set(options)) != len(options):
        return [f"{where} lists a value more than once"]
    return []


def _titled_options_problems(options: Any, where: str) -> list[str]:
    if not isinstance(options, list) or not options:
        return [f"{where} must be a non-empty list of {{const, title}} objects"]
    for option in options:
        if not (isinstance(option, Mapping) and set(option) == {"const", "title"}):
            return [f"{where} entries must be objects with exactly 'const' and 'title'"]
        if not (isinstance(option["const"], str) and isinstance(option["title"], str)):
            return [f"{where} entries need a string 'const' and a string 'title'"]
    return _options_problems([option["const"] for option in options], f"{where} consts")


def _required_problems(required: Any, properties: Mapping[str, Any]) -> list[FieldProblem]:
    if not (isinstance(required, list) and all(isinstance(name, str) for name in required)):
        return [FieldProblem(None, "'required' must be a list of property names")]
    problems = [FieldProblem(name, "is required but has no property") for name in required if name not in properties]
    if len(set(required)) != len(required):
        problems.append(FieldProblem(None, "'required' lists a name more than once"))
    return problems


def _string_value_problem(prop: Mapping[str, Any], value: Any) -> str | None:
    if not isinstance(value, str):
        return f"must be text, not {_json_type(value)}"
    if not _is_unicode(value):
        return "contains a character that is not valid text (a lone surrogate); please type it again"
    if "minLength" in prop and len(value) < prop["minLength"]:
        return f"must be at least {prop['minLength']} character(s) long"
    if "maxLength" in prop and len(value) > prop["maxLength"]:
        return f"must be at most {prop['maxLength']} character(s) long"
    return _format_problem(prop.get("format"), value)


def _format_problem(fmt: str | None, value: str) -> str | None:
    if fmt == "date" and not _parses(_DATE, date.fromisoformat, value):
        return f"must be a date like 2025-01-31, not {value!r}"
    if fmt == "date-time" and not _parses(_DATE_TIME, datetime.fromisoformat, value):
        return f"must be a date and time with a time zone, like 2025-01-31T09:30:00Z, not {value!r}"
    if fmt == "email" and not _is_email(value):
        return f"must be an email address like name@example.com, not {value!r}"
    if fmt == "uri" and not _URI.fullmatch(value):
        return f"must be an absolute URI like https://example.com/page, not {value!r}"
    return None


def _parses(pattern: re.Pattern[str], parse: Any, value: str) -> bool:
    if not pattern.fullmatch(value):
        return False
    try:
        parse(value)
    except ValueError:
        return False
    return True


def _is_email(value: str) -> bool:
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def _number_value_problem(prop: Mapping[str, Any], value: Any) -> str | None:
    if not _is_number(value):
        return f"must be a number, not {_json_type(value)}"
    if prop["type"] == "integer" and isinstance(value, float) and not value.is_integer():
        return f"must be a whole number, not {value}"
    if "minimum" in prop and value < prop["minimum"]:
        return f"must be at least {prop['minimum']}, not {value}"
    if "maximum" in prop and value > prop["maximum"]:
        return f"must be at most {prop['maximum']}, not {value}"
    return None


def _choice_value_problem(prop: Mapping[str, Any], value: Any) -> str | None:
    options = choice_values(prop) or []
    if isinstance(value, str) and value in options:
        return None
    return f"must be one of {_listing(options)}, not {value!r}"


def _multi_value_problem(prop: Mapping[str, Any], value: Any) -> str | None:
    if not (isinstance(value, list) and all(isinstance(item, str) for item in value)):
        return f"must be a list of options, not {_json_type(value)}"
    options = choice_values(prop) or []
    unknown = [item for item in value if item not in options]
    if unknown:
        return f"{_listing(unknown)} not among the options {_listing(options)}"
    # The wire has no `uniqueItems` in 2025-11-25, so a client may well send a repeat.
    repeated = list(dict.fromkeys(item for item in value if value.count(item) > 1))
    if repeated:
        return f"{_listing(repeated)} chosen more than once; choose each option at most once"
    if "minItems" in prop and len(value) < prop["minItems"]:
        return f"choose at least {prop['minItems']} option(s)"
    if "maxItems" in prop and len(value) > prop["maxItems"]:
        return f"choose at most {prop['maxItems']} option(s)"
    return None


def _is_unicode(text: str) -> bool:
    """Whether `text` can be encoded as UTF-8, as every response and store needs."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _key(key: Any) -> str:
    """A key as it can be shown back: escaped when it is not valid text."""
    return key if isinstance(key, str) and _is_unicode(key) else ascii(key)


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _listing(values: list[str]) -> str:
    return ", ".join(repr(value) for value in values)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    return "a list" if isinstance(value, list) else "an object"
