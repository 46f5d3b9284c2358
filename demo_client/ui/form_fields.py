"""The fields of a form-mode `requestedSchema`, ready to be asked one by one.

`toolkit.elicitation.schema` holds the protocol's rules (which shapes are allowed, which values fit
a field); this module adds what a person typing answers needs: labels, option lists with
titles, a hint of the constraints, and turning typed text into a value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from toolkit.elicitation.schema import value_problem

from ..errors import ClientError

__all__ = ["FieldInputError", "FormField", "form_fields"]

Kind = Literal["text", "number", "integer", "boolean", "choice", "choices"]

_YES = ("y", "yes", "true", "1")
_NO = ("n", "no", "false", "0")


class FieldInputError(ClientError):
    """What the person typed does not fit the field; the message says what would."""


@dataclass(frozen=True, slots=True)
class FormField:
    """One property of a (valid) requested schema.

    Attributes:
        name: The property name, the key in the answer's content.
        schema: The property's schema.
        required: Whether the form lists it in `required`.
    """

    name: str
    schema: Mapping[str, Any]
    required: bool

    @property
    def kind(self) -> Kind:
        """How the field is asked: free text, a number, yes/no, one option or several."""
        declared = self.schema.get("type")
        if declared == "array":
            return "choices"
        if declared == "string" and ("enum" in self.schema or "oneOf" in self.schema):
            return "choice"
        if declared in ("number", "integer", "boolean"):
            return declared
        return "text"

    @property
    def label(self) -> str:
        """The title, or the property name when there is none."""
        return str(self.schema.get("title") or self.name)

    @property
    def description(self) -> str | None:
        """The property's description, if any."""
        return self.schema.get("description")

    @property
    def has_default(self) -> bool:
        """Whether the schema gives a default."""
        return "default" in self.schema

    @property
    def default(self) -> Any:
        """The schema's default (None when there is none)."""
        return self.schema.get("default")

    @property
    def options(self) -> list[tuple[str, str]]:
        """`(value, title)` for each option of a choice field, in order."""
        source = self.schema.get("items", {}) if self.kind == "choices" else self.schema
        if "oneOf" in source or "anyOf" in source:
            return [(option["const"], option["title"]) for option in source.get("oneOf", source.get("anyOf", []))]
        names = source.get("enumNames") or source.get("enum", [])
        return list(zip(source.get("enum", []), names, strict=False))

    def hint(self) -> str:
        """A short description of what the field accepts, e.g. ``"whole number, 1 to 10"``."""
        parts = [_KIND_NAMES[self.kind]]
        schema = self.schema
        if "format" in schema:
            parts.append(str(schema["format"]))
        parts += _range("characters", schema.get("minLength"), schema.get("maxLength"))
        parts += _range("", schema.get("minimum"), schema.get("maximum"))
        parts += _range("choices", schema.get("minItems"), schema.get("maxItems"))
        parts.append("required" if self.required else "optional")
        return ", ".join(part for part in parts if part)

    def parse(self, raw: str) -> Any:
        """Turn typed text into a value and check it against the field.

        Raises:
            FieldInputError: The text does not give a valid value; the message says why.
        """
        value = _PARSERS[self.kind](self, raw.strip())
        problem = value_problem(self.schema, value)
        if problem is not None:
            raise FieldInputError(f"{self.label} {problem}.")
        return value

    def show(self, value: Any) -> str:
        """A value as the person would type it back (titles for options)."""
        titles = dict(self.options)
        if isinstance(value, list):
            return ", ".join(titles.get(item, item) for item in value) or "(none)"
        if isinstance(value, bool):
            return "yes" if value else "no"
        return str(titles.get(value, value)) if isinstance(value, str) else str(value)


def form_fields(requested_schema: Mapping[str, Any]) -> list[FormField]:
    """The fields of a requested schema, in the order the server listed them."""
    required = set(requested_schema.get("required") or [])
    properties: Mapping[str, Any] = requested_schema.get("properties") or {}
    return [FormField(name, prop, name in required) for name, prop in properties.items()]


def _range(unit: str, low: Any, high: Any) -> list[str]:
    suffix = f" {unit}" if unit else ""
    if low is not None and high is not None:
        return [f"{low} to {high}{suffix}"]
    if low is not None:
        return [f"at least {low}{suffix}"]
    if high is not None:
        return [f"at most {high}{suffix}"]
    return []


def _parse_text(field: FormField, raw: str) -> str:
    return raw


def _parse_number(field: FormField, raw: str) -> float | int:
    try:
        number = float(raw)
    except ValueError:
        raise FieldInputError(f"{field.label} must be a number, like 42 or 3.5.") from None
    return int(number) if number.is_integer() and ("." not in raw or field.kind == "integer") else number


def _parse_integer(field: FormField, raw: str) -> int | float:
    value = _parse_number(field, raw)
    if isinstance(value, float):
        raise FieldInputError(f"{field.label} must be a whole number, like 42.")
    return value


def _parse_boolean(field: FormField, raw: str) -> bool:
    if raw.lower() in _YES:
        return True
    if raw.lower() in _NO:
        return False
    raise FieldInputError(f"{field.label}: answer yes or no.")


def _parse_choice(field: FormField, raw: str) -> str:
    options = field.options
    if raw.isdigit() and 1 <= int(raw) <= len(options):
        return options[int(raw) - 1][0]
    for value, title in options:
        if raw in (value, title) or raw.lower() == title.lower():
            return value
    raise FieldInputError(f"{field.label}: type a number from 1 to {len(options)}, or an option's name.")


def _parse_choices(field: FormField, raw: str) -> list[str]:
    if raw in ("", "-"):
        return []
    chosen: list[str] = []
    for part in raw.split(","):
        if not part.strip():
            continue
        value = _parse_choice(field, part.strip())
        if value in chosen:
            # "2,5,2" is a slip, not a wish for a double portion: the answer is a set of options.
            title = dict(field.options)[value]
            raise FieldInputError(f"{field.label}: {title} is listed twice; list each option once.")
        chosen.append(value)
    return chosen


_PARSERS = {
    "text": _parse_text,
    "number": _parse_number,
    "integer": _parse_integer,
    "boolean": _parse_boolean,
    "choice": _parse_choice,
    "choices": _parse_choices,
}
_KIND_NAMES = {
    "text": "text",
    "number": "number",
    "integer": "whole number",
    "boolean": "yes/no",
    "choice": "one option",
    "choices": "several options, comma separated",
}
