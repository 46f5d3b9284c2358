"""Forms: models rendered to the protocol's flat requestedSchema, the schema validator, and answers read back."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Annotated, Any, Literal, Optional
from uuid import UUID

import pytest
from pydantic import AnyUrl, BaseModel, EmailStr, Field, HttpUrl, SecretStr, field_validator, model_validator

from toolkit import Form, Titles
from toolkit.elicitation import (
    FieldProblem,
    check_requested_schema,
    form_content_problems,
    parse_form_content,
    requested_schema,
    requested_schema_problems,
)
from toolkit.errors import InvalidArgument, InvalidDefinition, InvalidFormContent


class Category(enum.StrEnum):
    FOOD = "food"
    TRANSPORT = "transport"
    BILLS = "bills"


class Expense(Form):
    amount: Decimal = Field(gt=0, title="Amount", description="In euros")
    description: str = Field(min_length=1, max_length=80)
    category: Annotated[Category, Titles(food="Food & drink", bills="Bills")] = Category.FOOD
    tags: set[Literal["work", "trip"]] = Field(default={"work"}, max_length=2)
    spent_on: date | None = None
    receipt: Optional[AnyUrl] = None  # noqa: UP045 - Optional spelling must work too


def single(annotation: Any, **field: Any) -> dict[str, Any]:
    """The wire property of a one-field model."""

    class One(BaseModel):
        value: annotation = Field(**field)  # type: ignore[valid-type]

    return requested_schema(One)["properties"]["value"]


def test_expense_renders_to_the_exact_wire_schema():
    assert requested_schema(Expense) == {
        "type": "object",
        "properties": {
            "amount": {"type": "number", "title": "Amount", "description": "In euros", "minimum": 0},
            "description": {"type": "string", "minLength": 1, "maxLength": 80},
            "category": {
                "type": "string",
                "oneOf": [
                    {"const": "food", "title": "Food & drink"},
                    {"const": "transport", "title": "transport"},
                    {"const": "bills", "title": "Bills"},
                ],
                "default": "food",
            },
            "tags": {
                "type": "array",
                "items": {"type": "string", "enum": ["work", "trip"]},
                "maxItems": 2,
                "default": ["work"],
            },
            "spent_on": {"type": "string", "format": "date"},
            "receipt": {"type": "string", "format": "uri"},
        },
        "required": ["amount", "description"],
    }


@pytest.mark.parametrize(
    ("annotation", "expected"),
    [
        (str, {"type": "string"}),
        (int, {"type": "integer"}),
        (float, {"type": "number"}),
        (Decimal, {"type": "number"}),
        (bool, {"type": "boolean"}),
        (date, {"type": "string", "format": "date"}),
        (datetime, {"type": "string", "format": "date-time"}),
        (EmailStr, {"type": "string", "format": "email"}),
        (AnyUrl, {"type": "string", "format": "uri"}),
        (HttpUrl, {"type": "string", "format": "uri"}),
        (Literal["a", "b"], {"type": "string", "enum": ["a", "b"]}),
        (Category, {"type": "string", "enum": ["food", "transport", "bills"]}),
        (list[Literal["a", "b"]], {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}}),
        (frozenset[Category], {"type": "array", "items": {"type": "string", "enum": ["food", "transport", "bills"]}}),
        (int | None, {"type": "integer"}),
        (Optional[Literal["x"]], {"type": "string", "enum": ["x"]}),  # noqa: UP045
    ],
)
def test_each_supported_type_has_its_primitive_shape(annotation, expected):
    assert single(annotation) == expected


def test_optional_fields_are_not_required_and_never_nullable():
    class Maybe(BaseModel):
        plain: int | None
        defaulted: str | None = None

    schema = requested_schema(Maybe)
    assert schema["required"] == []
    assert "null" not in repr(schema) and "anyOf" not in repr(schema)


@pytest.mark.parametrize(
    ("annotation", "field", "expected"),
    [
        (int, {"gt": 0, "lt": 10}, {"minimum": 1, "maximum": 9}),
        (int, {"ge": -5, "le": 5}, {"minimum": -5, "maximum": 5}),
        (Decimal, {"gt": Decimal("0.5")}, {"minimum": 0.5}),
        (float, {"ge": 1.5, "lt": 2}, {"minimum": 1.5, "maximum": 2}),
        (str, {"min_length": 2, "max_length": 4}, {"minLength": 2, "maxLength": 4}),
        (list[Category], {"min_length": 1, "max_length": 2}, {"minItems": 1, "maxItems": 2}),
    ],
)
def test_bounds_are_carried_over(annotation, field, expected):
    prop = single(annotation, **field)
    assert {key: prop[key] for key in expected} == expected


def test_title_description_and_defaults_are_carried_over():
    assert single(Category, default=Category.BILLS, title="Kind", description="Pick one") == {
        "type": "string",
        "title": "Kind",
        "description": "Pick one",
        "enum": ["food", "transport", "bills"],
        "default": "bills",
    }
    assert single(Decimal, default=Decimal("2.50"))["default"] == 2.5
    assert single(datetime, default=datetime(2025, 1, 31, 9, 30, tzinfo=UTC))["default"] == "2025-01-31T09:30:00+00:00"
    assert single(set[Category], default={Category.FOOD, Category.BILLS})["default"] == ["bills", "food"]


def test_titled_multi_select_uses_any_of():
    prop = single(list[Annotated[Literal["a", "b"], Titles({"a": "Apple"})]])
    assert prop["items"] == {"anyOf": [{"const": "a", "title": "Apple"}, {"const": "b", "title": "b"}]}


def test_titles_for_unknown_choices_are_rejected():
    with pytest.raises(InvalidDefinition, match=r"One\.value: Titles names \['fod'\]"):
        single(Annotated[Category, Titles(fod="Food")])


@pytest.mark.parametrize(
    ("annotation", "says"),
    [
        (dict[str, int], "mapping"),
        (list[int], "multi-select must list fixed options"),
        (list[str], "multi-select must list fixed options"),
        (tuple[int, int], "has no form shape"),
        (bytes, "has no form shape"),
        (time, "has no form shape"),
        (UUID, "has no form shape"),
        (SecretStr, "secrets must never go through form mode"),
        (Literal[1, 2], "not all strings"),
        (enum.IntEnum("Level", {"LOW": 1}), "not all strings"),
        (int | str, "union of several types"),
        (Expense, "nested model"),
        (Any, "has no form shape"),
    ],
)
def test_unsupported_types_raise_naming_model_field_and_alternative(annotation, says):
    with pytest.raises(InvalidDefinition) as caught:
        single(annotation)
    error = caught.value
    assert isinstance(error, TypeError)
    assert (error.model, error.field) == ("One", "value")
    assert says in str(error) and " Use " in str(error)


def test_secrets_point_to_url_mode():
    with pytest.raises(InvalidDefinition, match="elicit_url"):
        single(SecretStr)


def test_a_form_subclass_fails_when_defined():
    with pytest.raises(InvalidDefinition, match=r"Broken\.meta"):

        class Broken(Form):
            name: str
            meta: dict[str, str]


@pytest.mark.parametrize(
    ("annotation", "field", "says"),
    [
        (str, {"min_length": 5, "max_length": 2}, "'minLength' (5) is greater than 'maxLength' (2)"),
        (int, {"ge": 1, "default": 0}, "default 0 is not a valid answer"),
        (datetime, {"default": datetime(2025, 1, 1)}, "with a time zone"),
        (list[Literal["a"]], {"min_length": 2}, "only 1 options"),
    ],
)
def test_contradicting_bounds_and_defaults_fail_when_defined(annotation, field, says):
    with pytest.raises(InvalidDefinition, match=None) as caught:
        single(annotation, **field)
    assert says in str(caught.value)


class DefinedLater(Form):
    # The annotation names a type defined further down, so Pydantic completes the model later.
    when: LaterDate


class NeverDefined(Form):
    what: Missing  # type: ignore[name-defined]  # noqa: F821


LaterDate = date


def test_forward_references_are_resolved_on_first_use():
    assert requested_schema(DefinedLater)["properties"]["when"] == {"type": "string", "format": "date"}


def test_an_undefined_type_is_reported_on_first_use():
    with pytest.raises(InvalidDefinition, match="the type 'Missing' is not defined"):
        requested_schema(NeverDefined)


def test_non_models_are_refused():
    with pytest.raises(InvalidDefinition, match="not a form"):
        requested_schema(dict)  # type: ignore[arg-type]


def test_each_call_returns_a_fresh_copy():
    requested_schema(Expense)["properties"]["amount"]["minimum"] = 99
    assert requested_schema(Expense)["properties"]["amount"]["minimum"] == 0


def test_aliases_name_the_wire_properties():
    class Aliased(BaseModel):
        spent_at: date = Field(alias="spentAt")

    assert requested_schema(Aliased)["required"] == ["spentAt"]
    assert parse_form_content(Aliased, {"spentAt": "2025-02-01"}).spent_at == date(2025, 2, 1)


# --- the validator ---------------------------------------------------------------------------


def test_the_sdks_own_schema_output_is_rejected():
    class Sdkish(BaseModel):
        name: str | None = None

    problems = [str(problem) for problem in requested_schema_problems(Sdkish.model_json_schema())]
    assert "'title' is not allowed at the top level" in problems
    assert any(problem.startswith("name: uses anyOf") for problem in problems)


VALID_SHAPES: dict[str, Any] = {
    "text": {"type": "string", "title": "T", "description": "D", "minLength": 0, "maxLength": 3, "default": "ab"},
    "when": {"type": "string", "format": "date-time"},
    "count": {"type": "integer", "minimum": 0, "maximum": 3, "default": 2},
    "ratio": {"type": "number", "minimum": 0.5},
    "flag": {"type": "boolean", "default": True},
    "plain": {"type": "string", "enum": ["a", "b"], "default": "a"},
    "titled": {"type": "string", "oneOf": [{"const": "a", "title": "A"}]},
    "legacy": {"type": "string", "enum": ["a", "b"], "enumNames": ["A", "B"]},
    "many": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}, "minItems": 1, "default": ["b"]},
    "titled_many": {"type": "array", "items": {"anyOf": [{"const": "a", "title": "A"}]}, "maxItems": 1},
}


def test_every_shape_of_the_spec_is_accepted():
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "properties": VALID_SHAPES}
    check_requested_schema({**schema, "required": ["text", "many"]})


@pytest.mark.parametrize(
    ("prop", "says"),
    [
        ({"type": "object", "properties": {}}, "uses properties"),
        ({"$ref": "#/$defs/X"}, "uses $ref"),
        ({"type": "null"}, "has type 'null'"),
        ({"type": ["string", "null"]}, "has type ['string', 'null']"),
        ({"title": "no type"}, "has no 'type'"),
        ({"type": "string", "pattern": "x"}, "'pattern' is not allowed on a string field"),
        ({"type": "string", "format": "uuid"}, "'format' must be one of"),
        ({"type": "string", "minLength": -1}, "'minLength' must be a non-negative integer"),
        ({"type": "string", "maxLength": True}, "'maxLength' must be a non-negative integer"),
        ({"type": "integer", "minimum": 3, "maximum": 1}, "'minimum' (3) is greater than 'maximum' (1)"),
        ({"type": "integer", "default": 1.5}, "must be a whole number"),
        ({"type": "number", "exclusiveMinimum": 0}, "'exclusiveMinimum' is not allowed"),
        ({"type": "boolean", "default": "yes"}, "must be true or false"),
        ({"type": "string", "enum": []}, "non-empty list of strings"),
        ({"type": "string", "enum": ["a", "a"]}, "more than once"),
        ({"type": "string", "enum": [1]}, "only strings"),
        ({"type": "string", "enum": ["a"], "default": "b"}, "must be one of 'a'"),
        ({"type": "string", "enum": ["a", "b"], "enumNames": ["A"]}, "'enumNames' must name every value"),
        ({"type": "string", "oneOf": [{"const": "a"}]}, "exactly 'const' and 'title'"),
        ({"type": "array", "items": {"type": "integer"}}, "'items' must be"),
        ({"type": "array", "items": {"type": "string", "enum": ["a"]}, "minItems": 2}, "only 1 options"),
        ({"type": "array", "items": {"type": "string", "enum": ["a"]}, "default": ["z"]}, "not among the options"),
        ({"type": "array", "items": {"type": "string", "enum": ["a"]}, "default": ["a", "a"]}, "more than once"),
        # 2025-11-25 defines no uniqueItems for multi-select; repeats are refused in answers instead.
        ({"type": "array", "items": {"type": "string", "enum": ["a"]}, "uniqueItems": True}, "'uniqueItems' is not"),
        ({"type": "string", "title": 3}, "'title' must be a string"),
    ],
)
def test_each_broken_rule_is_named(prop, says):
    problems = requested_schema_problems({"type": "object", "properties": {"field": prop}})
    assert any(problem.field == "field" and says in problem.problem for problem in problems), problems


@pytest.mark.parametrize(
    ("schema", "says"),
    [
        ([], "must be a JSON object"),
        ({"type": "array", "properties": {}}, "'type' must be \"object\""),
        ({"type": "object"}, "'properties' must be an object"),
        ({"type": "object", "properties": {}, "required": ["ghost"]}, "ghost: is required but has no property"),
        ({"type": "object", "properties": {}, "required": "ghost"}, "'required' must be a list"),
        ({"type": "object", "properties": {}, "$defs": {}}, "'$defs' is not allowed at the top level"),
    ],
)
def test_top_level_rules(schema, says):
    assert says in "; ".join(str(problem) for problem in requested_schema_problems(schema))


def test_check_requested_schema_raises_with_every_problem():
    with pytest.raises(InvalidArgument) as caught:
        check_requested_schema({"type": "object", "title": "X", "properties": {"a": {"type": "null"}}})
    assert caught.value.argument == "requestedSchema"
    assert isinstance(caught.value, ValueError)
    assert "'title' is not allowed" in str(caught.value) and "a: has type 'null'" in str(caught.value)


# --- answers -------------------------------------------------------------------------------------


SHAPES_SCHEMA = {"type": "object", "properties": VALID_SHAPES, "required": ["count"]}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, [FieldProblem(None, "the answer was accepted but carried no content; please fill in the form")]),
        (["a"], [FieldProblem(None, "the content must be an object of field values, not a list")]),
        ({}, [FieldProblem("count", "is required")]),
        ({"count": None}, [FieldProblem("count", "is required")]),
        ({"count": 1, "extra": 1}, [FieldProblem("extra", "is not a field of this form")]),
        ({"count": "1"}, [FieldProblem("count", "must be a number, not text")]),
        ({"count": True}, [FieldProblem("count", "must be a number, not a boolean")]),
        ({"count": 1.5}, [FieldProblem("count", "must be a whole number, not 1.5")]),
        ({"count": 4}, [FieldProblem("count", "must be at most 3, not 4")]),
        ({"count": 1, "flag": "true"}, [FieldProblem("flag", "must be true or false, not text")]),
        ({"count": 1, "text": "abcd"}, [FieldProblem("text", "must be at most 3 character(s) long")]),
        ({"count": 1, "plain": "c"}, [FieldProblem("plain", "must be one of 'a', 'b', not 'c'")]),
        ({"count": 1, "many": []}, [FieldProblem("many", "choose at least 1 option(s)")]),
        ({"count": 1, "many": "a"}, [FieldProblem("many", "must be a list of options, not text")]),
        (
            {"count": 1, "many": ["b", "a", "b", "a", "b"]},
            [FieldProblem("many", "'b', 'a' chosen more than once; choose each option at most once")],
        ),
        (
            {"count": 1, "text": "a\ud800"},
            [
                FieldProblem(
                    "text", "contains a character that is not valid text (a lone surrogate); please type it again"
                )
            ],
        ),
        ({"count": 1, "\udc00": 1}, [FieldProblem("'\\udc00'", "is not a field of this form")]),
        (
            {"count": 1, "when": "2025-01-31T09:30:00"},
            [
                FieldProblem(
                    "when",
                    "must be a date and time with a time zone, like 2025-01-31T09:30:00Z, not '2025-01-31T09:30:00'",
                )
            ],
        ),
        ({"count": 1.0, "ratio": 0.5, "flag": False, "plain": None}, []),
    ],
)
def test_content_problems(content, expected):
    assert form_content_problems(SHAPES_SCHEMA, content) == expected


@pytest.mark.parametrize(
    ("fmt", "good", "bad"),
    [
        ("date", "2025-02-28", "2025-02-30"),
        ("date", "2025-02-28", "20250228"),
        ("date-time", "2025-02-28T23:59:59.5+01:00", "2025-02-28 23:59:59Z"),
        ("email", "ana@example.com", "ana@"),
        ("uri", "https://example.com/x?y=1", "example.com/x"),
    ],
)
def test_formats(fmt, good, bad):
    schema = {"type": "object", "properties": {"v": {"type": "string", "format": fmt}}}
    assert form_content_problems(schema, {"v": good}) == []
    assert [problem.field for problem in form_content_problems(schema, {"v": bad})] == ["v"]


def test_valid_content_becomes_the_model():
    expense = parse_form_content(Expense, {"amount": 12.5, "description": "lunch", "category": "bills", "tags": []})
    assert expense == Expense(amount=Decimal("12.5"), description="lunch", category=Category.BILLS, tags=set())


def test_invalid_content_names_every_field_and_keeps_the_good_values():
    with pytest.raises(InvalidFormContent) as caught:
        parse_form_content(Expense, {"amount": 0, "description": "", "category": "bills", "nope": 1, "spent_on": 5})
    problems = {problem.field: problem.problem for problem in caught.value.problems}
    assert problems == {
        "nope": "is not a field of this form",
        "description": "must be at least 1 character(s) long",
        "spent_on": "must be text, not a number",
        # The wire can only say minimum 0; the model's exact rule is what the user reads.
        "amount": "should be greater than 0 (you sent 0)",
    }
    assert caught.value.kept == {"category": "bills"}


@pytest.mark.parametrize("kind", [list, set, frozenset])
def test_a_multi_select_answer_with_a_repeated_option_is_refused(kind):
    class Toppings(Form):
        toppings: kind[Literal["mushrooms", "olives", "pineapple"]] = Field(title="Toppings")  # type: ignore[valid-type]

    prop = requested_schema(Toppings)["properties"]["toppings"]
    assert "uniqueItems" not in prop
    with pytest.raises(InvalidFormContent) as caught:
        parse_form_content(Toppings, {"toppings": ["mushrooms", "pineapple", "mushrooms"]})
    assert [str(problem) for problem in caught.value.problems] == [
        "toppings: 'mushrooms' chosen more than once; choose each option at most once"
    ]
    assert parse_form_content(Toppings, {"toppings": ["mushrooms", "pineapple"]}).toppings == kind(
        ["mushrooms", "pineapple"]
    )


def test_text_that_is_not_valid_unicode_is_refused_naming_the_field():
    with pytest.raises(InvalidFormContent) as caught:
        parse_form_content(Expense, {"amount": 3, "description": "lunch \udfff", "category": "bills"})
    (problem,) = caught.value.problems
    assert problem.field == "description" and "not valid text" in problem.problem
    str(problem).encode("utf-8")  # it can be sent back to the user
    assert caught.value.kept == {"amount": 3, "category": "bills"}


def test_model_validators_are_reported_too():
    class Trip(BaseModel):
        start: date
        end: date

        @field_validator("start")
        @classmethod
        def not_ancient(cls, value: date) -> date:
            if value.year < 2000:
                raise ValueError("trips before 2000 are not tracked")
            return value

        @model_validator(mode="after")
        def ordered(self) -> Trip:
            if self.end < self.start:
                raise ValueError("the end must not be before the start")
            return self

    with pytest.raises(InvalidFormContent, match=r"start: trips before 2000 are not tracked \(you sent '1999-01-01'\)"):
        parse_form_content(Trip, {"start": "1999-01-01", "end": "2000-01-01"})
    with pytest.raises(InvalidFormContent) as caught:
        parse_form_content(Trip, {"start": "2025-01-02", "end": "2025-01-01"})
    assert caught.value.problems == [FieldProblem(None, "the end must not be before the start")]
    assert caught.value.kept == {"start": "2025-01-02", "end": "2025-01-01"}


def test_optional_without_default_may_be_left_out():
    class Note(BaseModel):
        text: str | None

    assert parse_form_content(Note, {}).text is None


def test_a_strict_bound_on_a_decimal_with_fixed_places_is_exact_on_the_wire():
    class Price(Form):
        amount: Decimal = Field(gt=0, lt=100, decimal_places=2)
        rough: Decimal = Field(gt=0)

    props = requested_schema(Price)["properties"]
    assert (props["amount"]["minimum"], props["amount"]["maximum"]) == (0.01, 99.99)
    assert props["rough"]["minimum"] == 0
