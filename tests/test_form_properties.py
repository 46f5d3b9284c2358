"""Properties of forms over randomly generated models: valid wire schemas, answers that round-trip, refusals.

The content strategy reads only the wire schema, never the model, so "content generated
from the schema validates into the model" checks that the schema is at least as strict as
the model for every constraint the wire can carry (bounds the wire relaxes, such as `gt` on
a float, are covered by example tests in test_forms.py).
"""

from __future__ import annotations

import enum
import math
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import AnyUrl, BaseModel, EmailStr, Field, SecretStr, create_model

from toolkit import Form, Titles
from toolkit.elicitation import form_content_problems, parse_form_content, requested_schema, requested_schema_problems
from toolkit.elicitation.schema import choice_values
from toolkit.errors import InvalidDefinition, InvalidFormContent

PROPERTY_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

OPTIONS = ["alpha", "beta", "gamma", "delta", "epsilon"]
Color = enum.Enum("Color", {"RED": "red", "GREEN": "green", "BLUE": "blue"}, type=str)
DATES = st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31))
DATETIMES = st.datetimes(min_value=datetime(1000, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC))
EMAILS = st.from_regex(r"[a-z]{1,12}(\.[a-z]{1,8})?@[a-z]{1,12}\.(com|org|net)", fullmatch=True)
URLS = st.from_regex(r"https://[a-z]{1,12}\.(com|org)(/[a-z0-9]{1,8}){0,3}", fullmatch=True)


# --- random form models ----------------------------------------------------------------------


@st.composite
def bounded_pair(draw: st.DrawFn, low: int, high: int) -> tuple[int | None, int | None]:
    first = draw(st.none() | st.integers(low, high))
    second = draw(st.none() | st.integers(first if first is not None else low, high))
    return first, second


@st.composite
def text_field(draw: st.DrawFn) -> tuple[Any, dict[str, Any], st.SearchStrategy[Any]]:
    low, high = draw(bounded_pair(0, 12))
    constraints = {"min_length": low, "max_length": high}
    return str, constraints, st.text(min_size=low or 0, max_size=high if high is not None else 20)


@st.composite
def number_field(draw: st.DrawFn) -> tuple[Any, dict[str, Any], st.SearchStrategy[Any]]:
    kind = draw(st.sampled_from([int, float, Decimal]))
    low, high = draw(bounded_pair(-1000, 1000))
    if kind is int and low is not None and draw(st.booleans()):
        # An exclusive bound on an integer can be sent exactly, one step further in.
        constraints: dict[str, Any] = {"gt": low - 1, "le": high}
    else:
        constraints = {"ge": low, "le": high}
    if kind is int:
        return int, constraints, st.integers(low, high)
    values = st.floats(low, high, allow_nan=False, allow_infinity=False)
    return kind, constraints, values.map(Decimal) if kind is Decimal else values


@st.composite
def choice_field(draw: st.DrawFn) -> tuple[Any, dict[str, Any], st.SearchStrategy[Any]]:
    if draw(st.booleans()):
        return Color, {}, st.sampled_from(list(Color))
    values = draw(st.lists(st.sampled_from(OPTIONS), min_size=1, unique=True))
    annotation: Any = Literal[tuple(values)]
    if draw(st.booleans()):
        titles = draw(st.dictionaries(st.sampled_from(values), st.text(min_size=1, max_size=10)))
        annotation = Annotated[annotation, Titles(titles)]
    return annotation, {}, st.sampled_from(values)


@st.composite
def multi_field(draw: st.DrawFn) -> tuple[Any, dict[str, Any], st.SearchStrategy[Any]]:
    values = draw(st.lists(st.sampled_from(OPTIONS), min_size=1, unique=True))
    item: Any = Literal[tuple(values)]
    if draw(st.booleans()):
        item = Annotated[item, Titles({value: value.upper() for value in values})]
    container = draw(st.sampled_from([list, set, frozenset]))
    low, high = draw(bounded_pair(0, len(values)))
    chosen = st.lists(st.sampled_from(values), unique=True, min_size=low or 0, max_size=high)
    return container[item], {"min_length": low, "max_length": high}, chosen.map(container)


def formatted_field() -> st.SearchStrategy[tuple[Any, dict[str, Any], st.SearchStrategy[Any]]]:
    return st.sampled_from(
        [
            (date, {}, DATES),
            (datetime, {}, DATETIMES),
            (EmailStr, {}, EMAILS),
            (AnyUrl, {}, URLS.map(AnyUrl)),
            (bool, {}, st.booleans()),
        ]
    )


FIELD_KINDS = st.one_of(text_field(), number_field(), choice_field(), multi_field(), formatted_field())


@st.composite
def form_field(draw: st.DrawFn) -> tuple[Any, Any]:
    """One field: (annotation, FieldInfo), with random optionality, default, title and description."""
    annotation, constraints, values = draw(FIELD_KINDS)
    extras = {key: value for key, value in constraints.items() if value is not None}
    if draw(st.booleans()):
        extras["title"] = draw(st.text(max_size=15))
    if draw(st.booleans()):
        extras["description"] = draw(st.text(max_size=30))
    optional = draw(st.booleans())
    default_choice = draw(st.sampled_from(["none", "value"] + (["null"] if optional else [])))
    if default_choice == "value":
        extras["default"] = draw(values)
    elif default_choice == "null":
        extras["default"] = None
    return (annotation | None if optional else annotation), Field(**extras)


@st.composite
def form_models(draw: st.DrawFn) -> type[BaseModel]:
    fields = draw(st.lists(form_field(), min_size=0, max_size=6))
    return create_model("RandomForm", __base__=Form, **{f"f{index}": spec for index, spec in enumerate(fields)})


# --- content generated from the wire schema alone ------------------------------------------------


def value_for(prop: dict[str, Any]) -> st.SearchStrategy[Any]:
    options = choice_values(prop)
    if prop["type"] == "array":
        assert options is not None
        high = min(prop.get("maxItems", len(options)), len(options))
        return st.lists(st.sampled_from(options), unique=True, min_size=prop.get("minItems", 0), max_size=high)
    if options is not None:
        return st.sampled_from(options)
    if prop["type"] == "boolean":
        return st.booleans()
    if prop["type"] == "integer":
        low, high = prop.get("minimum"), prop.get("maximum")
        return st.integers(math.ceil(low) if low is not None else None, math.floor(high) if high is not None else None)
    if prop["type"] == "number":
        return st.floats(prop.get("minimum"), prop.get("maximum"), allow_nan=False, allow_infinity=False)
    return string_for(prop)


def string_for(prop: dict[str, Any]) -> st.SearchStrategy[str]:
    formats: dict[str, st.SearchStrategy[str]] = {
        "date": DATES.map(date.isoformat),
        "date-time": DATETIMES.map(datetime.isoformat),
        "email": EMAILS,
        "uri": URLS,
    }
    if "format" in prop:
        return formats[prop["format"]]
    return st.text(min_size=prop.get("minLength", 0), max_size=prop.get("maxLength", 20))


@st.composite
def content_for(draw: st.DrawFn, schema: dict[str, Any]) -> dict[str, Any]:
    content: dict[str, Any] = {}
    for name, prop in schema["properties"].items():
        if name in schema["required"] or draw(st.booleans()):
            content[name] = draw(value_for(prop))
    return content


# --- properties ---------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(form_models())
def test_every_generated_form_renders_to_a_valid_wire_schema(model):
    schema = requested_schema(model)
    assert requested_schema_problems(schema) == []
    assert list(schema) == ["type", "properties", "required"]
    assert list(schema["properties"]) == list(model.model_fields)
    expected_required = [
        name for name, info in model.model_fields.items() if info.is_required() and type(None) not in _members(info)
    ]
    assert schema["required"] == expected_required


def _members(info: Any) -> tuple[Any, ...]:
    return getattr(info.annotation, "__args__", ())


@PROPERTY_SETTINGS
@given(st.data())
def test_content_generated_from_the_schema_validates_into_the_model(data):
    model = data.draw(form_models())
    schema = requested_schema(model)
    content = data.draw(content_for(schema))
    assert form_content_problems(schema, content) == []
    instance = parse_form_content(model, content)
    assert isinstance(instance, model)


@PROPERTY_SETTINGS
@given(st.data())
def test_a_value_of_the_wrong_json_type_is_reported_for_its_field(data):
    model = data.draw(form_models().filter(lambda m: len(m.model_fields) > 0))
    schema = requested_schema(model)
    content = data.draw(content_for(schema))
    name = data.draw(st.sampled_from(list(schema["properties"])))
    content[name] = data.draw(wrong_json_value(schema["properties"][name]))
    with pytest.raises(InvalidFormContent) as caught:
        parse_form_content(model, content)
    assert name in {problem.field for problem in caught.value.problems}
    assert name not in caught.value.kept


def fields_of(model: type[BaseModel], accepts: Any) -> list[str]:
    return [name for name, prop in requested_schema(model)["properties"].items() if accepts(prop)]


def is_multi_select(prop: dict[str, Any]) -> bool:
    return prop["type"] == "array"


def is_free_text(prop: dict[str, Any]) -> bool:
    return prop["type"] == "string" and "format" not in prop and choice_values(prop) is None


@PROPERTY_SETTINGS
@given(st.data())
def test_a_repeated_option_in_a_multi_select_is_reported_for_its_field(data):
    model = data.draw(form_models().filter(lambda m: bool(fields_of(m, is_multi_select))))
    schema = requested_schema(model)
    content = data.draw(content_for(schema))
    name = data.draw(st.sampled_from(fields_of(model, is_multi_select)))
    options = choice_values(schema["properties"][name]) or []
    chosen = data.draw(st.lists(st.sampled_from(options), min_size=1, unique=True))
    content[name] = data.draw(st.permutations([*chosen, data.draw(st.sampled_from(chosen))]))
    with pytest.raises(InvalidFormContent) as caught:
        parse_form_content(model, content)
    problems = {problem.field: problem.problem for problem in caught.value.problems}
    assert "chosen more than once" in problems[name]


@PROPERTY_SETTINGS
@given(st.data())
def test_text_with_a_lone_surrogate_is_reported_for_its_field(data):
    model = data.draw(form_models().filter(lambda m: bool(fields_of(m, is_free_text))))
    schema = requested_schema(model)
    content = data.draw(content_for(schema))
    name = data.draw(st.sampled_from(fields_of(model, is_free_text)))
    text = data.draw(st.text(max_size=10))
    at = data.draw(st.integers(0, len(text)))
    content[name] = text[:at] + chr(data.draw(st.integers(0xD800, 0xDFFF))) + text[at:]
    with pytest.raises(InvalidFormContent) as caught:
        parse_form_content(model, content)
    problems = {problem.field: problem.problem for problem in caught.value.problems}
    assert "not valid text" in problems[name]
    assert name not in caught.value.kept


def wrong_json_value(prop: dict[str, Any]) -> st.SearchStrategy[Any]:
    others: dict[str, st.SearchStrategy[Any]] = {
        "string": st.integers() | st.booleans() | st.lists(st.text(), max_size=2),
        "integer": st.text(max_size=5) | st.booleans() | st.just({"nested": 1}),
        "number": st.text(max_size=5) | st.booleans() | st.just([1]),
        "boolean": st.sampled_from(["true", "yes", 1, 0, [True]]),
        "array": st.text(max_size=5) | st.integers() | st.just([1, 2]),
    }
    return others[prop["type"]]


class Nested(BaseModel):
    x: int


IntLevel = enum.IntEnum("IntLevel", {"LOW": 1, "HIGH": 2})
UNSUPPORTED = [
    dict[str, int],
    dict[str, str],
    list[int],
    list[str],
    set[int],
    frozenset[str],
    tuple[str, ...],
    list[Nested],
    Nested,
    bytes,
    time,
    UUID,
    SecretStr,
    Literal[1, 2],
    Literal["a", 1],
    IntLevel,
    int | str,
    Decimal | str,
    Any,
    list[list[Literal["a"]]],
]


@PROPERTY_SETTINGS
@given(
    st.lists(form_field(), max_size=4),
    st.sampled_from(UNSUPPORTED),
    st.booleans(),
    st.integers(0, 4),
)
def test_unsupported_types_always_raise_when_the_form_is_defined(fields, bad, optional, position):
    specs = {f"f{index}": spec for index, spec in enumerate(fields)}
    names = list(specs)
    names.insert(min(position, len(names)), "bad")
    specs["bad"] = (bad | None if optional else bad, Field(default=None) if optional else Field())
    ordered = {name: specs[name] for name in names}
    with pytest.raises(InvalidDefinition) as caught:
        create_model("Defined", __base__=Form, **ordered)
    assert (caught.value.model, caught.value.field) == ("Defined", "bad")
    assert " Use " in str(caught.value)
