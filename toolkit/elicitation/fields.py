"""One form field: a Pydantic field translated into one of the protocol's primitive shapes.

| field type | property on the wire |
| --- | --- |
| `str` | `{"type": "string"}` with `minLength` / `maxLength` |
| `int` | `{"type": "integer"}` with `minimum` / `maximum` |
| `float`, `Decimal` | `{"type": "number"}` with `minimum` / `maximum` |
| `bool` | `{"type": "boolean"}` |
| `date`, `datetime` | string with `format` `date` / `date-time` |
| `EmailStr`, `AnyUrl` (and its subclasses) | string with `format` `email` / `uri` |
| `Literal["a", "b"]`, an `Enum` with string values | single-select `enum`, or titled `oneOf` with `Titles` |
| `list[...]`, `set[...]`, `frozenset[...]` of those | multi-select `array` with `minItems` / `maxItems` |
| `X \\| None` | the shape of `X`, left out of `required` |

Bounds the wire cannot state exactly are sent relaxed and enforced on the answer:
`gt=0` on a float goes out as `minimum: 0` (on a `Decimal` with `decimal_places=2`, exactly as
`minimum: 0.01`), and `pattern`, `multiple_of`
and `decimal_places` are checked only when the answer comes back.
"""

from __future__ import annotations

import enum
import types
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import AnyUrl, BaseModel, EmailStr, SecretBytes, SecretStr
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from ..errors import InvalidDefinition
from .schema import property_problems

__all__ = ["Titles", "field_property", "wire_name", "wire_value"]

_SUPPORTED = (
    "str, int, float, Decimal, bool, date, datetime, EmailStr, AnyUrl, a Literal of strings, "
    "an Enum with string values, or a list/set of Literal or Enum choices"
)
_MULTI_ORIGINS = (list, set, frozenset)


@dataclass(frozen=True, slots=True, init=False)
class Titles:
    """Display titles for the options of a choice field, used as `Annotated` metadata.

    A choice field with `Titles` goes on the wire as a titled single-select (`oneOf`) or
    multi-select (`items.anyOf`). Options without a title show their value.

    Example:
        ```python
        category: Annotated[Category, Titles(food="Food & drink", bills="Bills")]
        tags: list[Annotated[Literal["a", "b"], Titles({"a": "Option A"})]]
        ```
    """

    pairs: tuple[tuple[str, str], ...]

    def __init__(self, titles: Mapping[str, str] | None = None, /, **by_value: str) -> None:
        # Pairs rather than a dict keep the marker hashable, as Annotated metadata should be.
        object.__setattr__(self, "pairs", tuple({**(titles or {}), **by_value}.items()))


@dataclass(frozen=True, slots=True)
class _Field:
    """A field being translated: what `field_property` needs to know while it works."""

    model: str
    name: str
    info: FieldInfo

    def unsupported(self, problem: str, instead: str = _SUPPORTED) -> InvalidDefinition:
        return InvalidDefinition.for_field(self.model, self.name, problem, instead)


def wire_name(name: str, info: FieldInfo) -> str:
    """The property name a field has on the wire: its alias when it has one."""
    alias = info.validation_alias if isinstance(info.validation_alias, str) else info.alias
    return alias or name


def field_property(model: str, name: str, info: FieldInfo) -> tuple[dict[str, Any], bool]:
    """Translate one Pydantic field into a form property.

    Args:
        model: The model's name, for error messages.
        name: The field's Python name.
        info: The field's Pydantic `FieldInfo`.

    Returns:
        The property's JSON schema, and whether the field is required on the wire.

    Raises:
        InvalidDefinition: The field's type has no primitive shape, or its bounds and
            default contradict each other.
    """
    current = _Field(model, name, info)
    annotation, optional, metadata = _unwrap(current, info.annotation, list(info.metadata))
    prop = {"type": "string", **_describe(info), **_shape_of(current, annotation, metadata)}
    if info.default is not PydanticUndefined and info.default is not None:
        prop["default"] = wire_value(info.default)
    problems = property_problems(prop)
    if problems:
        raise current.unsupported("; ".join(problems), "bounds, titles and a default that agree with each other")
    return prop, info.is_required() and not optional


def wire_value(value: Any) -> Any:
    """A Python value as the JSON an answer (or a default) carries on the wire."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, AnyUrl):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(wire_value(item) for item in value)
    if isinstance(value, list | tuple):
        return [wire_value(item) for item in value]
    return value


def _describe(info: FieldInfo) -> dict[str, Any]:
    described: dict[str, Any] = {}
    if info.title is not None:
        described["title"] = info.title
    if info.description is not None:
        described["description"] = info.description
    return described


def _unwrap(current: _Field, annotation: Any, metadata: list[Any]) -> tuple[Any, bool, list[Any]]:
    """Strip `Annotated` and `| None`, collecting metadata; say whether None was allowed."""
    optional = False
    while True:
        if get_origin(annotation) is Annotated:
            annotation, *extra = get_args(annotation)
            metadata = [*metadata, *extra]
        elif get_origin(annotation) in (Union, types.UnionType):
            members = [arg for arg in get_args(annotation) if arg is not type(None)]
            if len(members) != 1:
                raise current.unsupported("it is a union of several types", "one type per field")
            optional, annotation = True, members[0]
        else:
            return annotation, optional, metadata


def _shape_of(current: _Field, annotation: Any, metadata: list[Any]) -> dict[str, Any]:
    if get_origin(annotation) in _MULTI_ORIGINS:
        return _multi_select(current, annotation, metadata)
    choices = _choices(current, annotation)
    if choices is not None:
        return _single_select(current, choices, metadata)
    origin = get_origin(annotation) or annotation
    if not isinstance(annotation, type):
        if isinstance(origin, type):
            raise _unsupported_type(current, origin)
        raise current.unsupported(f"its type {annotation!r} has no form shape")
    return _primitive(current, annotation, metadata)


def _primitive(current: _Field, annotation: type, metadata: list[Any]) -> dict[str, Any]:
    if annotation is bool:
        return {"type": "boolean"}
    if annotation is int:
        return {"type": "integer", **_number_bounds(metadata, whole=True)}
    if annotation in (float, Decimal):
        return {"type": "number", **_number_bounds(metadata, whole=False)}
    if annotation is str:
        return {"type": "string", **_length_bounds(metadata, "minLength", "maxLength")}
    formats = {datetime: "date-time", date: "date", EmailStr: "email"}
    if annotation in formats:
        return {"type": "string", "format": formats[annotation]}
    if issubclass(annotation, AnyUrl):
        return {"type": "string", "format": "uri"}
    raise _unsupported_type(current, annotation)


def _unsupported_type(current: _Field, annotation: type) -> InvalidDefinition:
    if issubclass(annotation, SecretStr | SecretBytes):
        return current.unsupported("secrets must never go through form mode", "elicit_url (URL mode)")
    if issubclass(annotation, BaseModel):
        return current.unsupported(
            f"it is a nested model ({annotation.__name__})", "flat fields, or one form per step in a Flow"
        )
    if issubclass(annotation, enum.Enum):
        return current.unsupported(f"{annotation.__name__} has non-string values", "an Enum with string values")
    if issubclass(annotation, Mapping):
        return current.unsupported("it is a mapping", "one field per key")
    return current.unsupported(f"its type {annotation.__name__} has no form shape")


def _choices(current: _Field, annotation: Any) -> list[str] | None:
    """The option values of a Literal or string Enum, or None for other types."""
    if get_origin(annotation) is Literal:
        values = list(get_args(annotation))
    elif isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        values = [member.value for member in annotation]
    else:
        return None
    if not values or not all(isinstance(value, str) and not isinstance(value, enum.Enum) for value in values):
        raise current.unsupported(
            f"its choices {values!r} are not all strings", "a Literal of strings or an Enum with string values"
        )
    return values


def _single_select(current: _Field, values: list[str], metadata: list[Any]) -> dict[str, Any]:
    titles = _titles(current, values, metadata)
    if titles is None:
        return {"type": "string", "enum": values}
    return {"type": "string", "oneOf": [{"const": value, "title": titles[value]} for value in values]}


def _multi_select(current: _Field, annotation: Any, metadata: list[Any]) -> dict[str, Any]:
    args = get_args(annotation)
    item, item_metadata = (args[0] if args else Any), []
    if get_origin(item) is Annotated:
        item, *item_metadata = get_args(item)
    values = _choices(current, item)
    if values is None:
        raise current.unsupported(
            f"a multi-select must list fixed options, not {getattr(item, '__name__', item)}",
            "list[Literal[...]] or list[SomeStrEnum]",
        )
    titles = _titles(current, values, [*metadata, *item_metadata])
    items: dict[str, Any] = {"type": "string", "enum": values}
    if titles is not None:
        items = {"anyOf": [{"const": value, "title": titles[value]} for value in values]}
    return {"type": "array", "items": items, **_length_bounds(metadata, "minItems", "maxItems")}


def _titles(current: _Field, values: list[str], metadata: list[Any]) -> dict[str, str] | None:
    given = [item for item in metadata if isinstance(item, Titles)]
    if not given:
        return None
    titles = {key: title for item in given for key, title in item.pairs}
    unknown = sorted(set(titles) - set(values))
    if unknown:
        raise current.unsupported(f"Titles names {unknown}, which are not among its choices", "titles for its choices")
    return {value: titles.get(value, value) for value in values}


def _number_bounds(metadata: Iterable[Any], *, whole: bool) -> dict[str, Any]:
    bounds: dict[str, Any] = {}
    items = list(metadata)
    step = _step(items, whole=whole)
    for item in items:
        for attribute, key, shift in (("ge", "minimum", 0), ("gt", "minimum", step), ("le", "maximum", 0)):
            _tighten(bounds, key, getattr(item, attribute, None), shift)
        _tighten(bounds, "maximum", getattr(item, "lt", None), -step)
    return bounds


def _step(items: list[Any], *, whole: bool) -> Decimal:
    """The smallest difference between two allowed values, or 0 when there is none."""
    if whole:
        return Decimal(1)
    places = [item.decimal_places for item in items if getattr(item, "decimal_places", None) is not None]
    # With a fixed number of decimals the first value past a strict bound is exact (gt=0 -> 0.01).
    return Decimal(1).scaleb(-min(places)) if places else Decimal(0)


def _tighten(bounds: dict[str, Any], key: str, bound: Any, shift: Decimal) -> None:
    if bound is None:
        return
    value = wire_value(Decimal(str(bound)) + shift)
    keep = max if key == "minimum" else min
    bounds[key] = keep(bounds[key], value) if key in bounds else value


def _length_bounds(metadata: Iterable[Any], low: str, high: str) -> dict[str, Any]:
    bounds: dict[str, Any] = {}
    for item in metadata:
        if getattr(item, "min_length", None) is not None:
            bounds[low] = max(bounds.get(low, 0), item.min_length)
        if getattr(item, "max_length", None) is not None:
            bounds[high] = min(bounds.get(high, item.max_length), item.max_length)
    return bounds
