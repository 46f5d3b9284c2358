"""Forms: a Pydantic model as the exact `requestedSchema` sent on the wire, and answers read back into it.

`requested_schema(Model)` renders a flat object the protocol allows (see `form_fields` for
the field types) and raises `InvalidDefinition` for anything else. Subclass `Form`
instead of `BaseModel` and the check runs when the class is defined, so a bad form fails at
import time rather than in front of a user. `parse_form_content` turns an accepted answer
into the model, or raises `InvalidFormContent` naming each field that is wrong and why.
"""

from __future__ import annotations

import copy
import weakref
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, PydanticUndefinedAnnotation, ValidationError

from ..errors import InvalidDefinition, InvalidFormContent
from .fields import field_property, wire_name
from .schema import FieldProblem, form_content_problems

__all__ = ["Form", "parse_form_content", "requested_schema"]

ModelT = TypeVar("ModelT", bound=BaseModel)

# Keyed weakly so forms built on the fly (one-question helpers, tests) do not pile up.
_schemas: weakref.WeakKeyDictionary[type[BaseModel], dict[str, Any]] = weakref.WeakKeyDictionary()


class Form(BaseModel):
    """A `BaseModel` whose fields are checked against the protocol when the class is defined.

    Example:
        ```python
        class Expense(Form):
            amount: Decimal = Field(gt=0, title="Amount")
            description: str = Field(min_length=1, max_length=200)
        ```
    """

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        # A model with forward references is complete only after model_rebuild(); it is
        # checked on first use instead, still before anything is sent.
        if cls.__pydantic_complete__:
            requested_schema(cls)


def requested_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The exact `requestedSchema` sent on the wire for `model`.

    Args:
        model: A Pydantic model class whose fields are the questions.

    Returns:
        A fresh `{"type": "object", "properties": ..., "required": [...]}` dict; properties
        keep the model's field order and use field aliases as names.

    Raises:
        InvalidDefinition: `model` is not a Pydantic model class, or a field has a type the
            protocol's flat forms cannot carry.
    """
    return copy.deepcopy(shared_schema(model))


def shared_schema(model: type[BaseModel]) -> dict[str, Any]:
    """`requested_schema(model)` without the copy: the one cached dict, which must never change.

    For the toolkit's own hot paths (every question, and every round of a replayed call,
    reads it); anything that edits a schema starts from `requested_schema`.
    """
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise InvalidDefinition.for_form(model)
    schema = _schemas.get(model)
    if schema is None:
        _complete(model)
        schema = _schemas[model] = _render(model)
    return schema


def parse_form_content(model: type[ModelT], content: Any) -> ModelT:
    """Read an accepted answer's `content` into `model`.

    The content is first checked against the wire schema (keys, JSON types, options,
    bounds, formats), then validated by the model itself (strict bounds, patterns, custom
    validators). Problems from both are reported together, one per field.

    Args:
        model: The form the answer is for.
        content: The decoded `content` of the answer.

    Returns:
        The validated model instance.

    Raises:
        InvalidFormContent: The answer does not fit; `problems` says why and `kept` holds
            the values that were fine.
    """
    schema = shared_schema(model)
    problems = form_content_problems(schema, content)
    if not isinstance(content, Mapping):
        raise InvalidFormContent(problems)
    given = {key: value for key, value in content.items() if key in schema["properties"] and value is not None}
    try:
        instance = model.model_validate(_with_absent_optionals(model, schema, given))
    except ValidationError as exc:
        problems = _merged(problems, _model_problems(exc), _numbers(schema, given))
    else:
        if not problems:
            return instance
    flagged = {problem.field for problem in problems}
    raise InvalidFormContent(problems, {key: value for key, value in given.items() if key not in flagged})


def _complete(model: type[BaseModel]) -> None:
    """Resolve forward references, as Pydantic would on first validation."""
    if model.__pydantic_complete__:
        return
    try:
        model.model_rebuild()
    except PydanticUndefinedAnnotation as exc:
        raise InvalidDefinition.for_field(
            model.__name__, exc.name, f"the type '{exc.name}' is not defined", "a type defined before the form is used"
        ) from exc


def _render(model: type[BaseModel]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    required: list[str] = []
    for name, info in model.model_fields.items():
        key = wire_name(name, info)
        properties[key], needed = field_property(model.__name__, name, info)
        if needed:
            required.append(key)
    return {"type": "object", "properties": properties, "required": required}


def _with_absent_optionals(model: type[BaseModel], schema: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    # `X | None` without a default is required by Pydantic but optional on the wire.
    absent = {
        key: None
        for key, info in ((wire_name(name, info), info) for name, info in model.model_fields.items())
        if info.is_required() and key not in schema["required"]
    }
    return {**absent, **given}


def _model_problems(exc: ValidationError) -> dict[str | None, FieldProblem]:
    problems: dict[str | None, FieldProblem] = {}
    for error in exc.errors(include_url=False):
        field = str(error["loc"][0]) if error["loc"] else None
        problems.setdefault(field, FieldProblem(field, _phrase(error)))
    return problems


def _numbers(schema: dict[str, Any], given: dict[str, Any]) -> set[str]:
    """Fields holding a number where the form asks for one: only their bounds can be wrong."""
    numeric = {key for key, prop in schema["properties"].items() if prop.get("type") in ("number", "integer")}
    return {
        key for key in numeric & set(given) if isinstance(given[key], int | float) and not isinstance(given[key], bool)
    }


def _merged(wire: list[FieldProblem], model: dict[str | None, FieldProblem], numbers: set[str]) -> list[FieldProblem]:
    """One problem per field, the wire's wording first.

    A number's bounds are the exception: the wire can only carry `gt=0` as `minimum: 0`,
    so the model's message states the real rule.
    """
    merged = [
        model.pop(problem.field) if problem.field in numbers and problem.field in model else problem for problem in wire
    ]
    flagged = {problem.field for problem in merged}
    return merged + [problem for field, problem in model.items() if field is None or field not in flagged]


def _phrase(error: Any) -> str:
    if error["type"] == "missing":
        return "is required"
    message = str(error["msg"]).removeprefix("Value error, ")
    if message.startswith("Input should"):
        message = message.removeprefix("Input ")
    message = f"{message[:1].lower()}{message[1:]}"
    sent = error.get("input")
    if error["loc"] and isinstance(sent, str | int | float):
        message += f" (you sent {sent!r})"
    return message
