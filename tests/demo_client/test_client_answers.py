"""Scripted answers, schema defaults and capability declarations: plain values, no server."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from demo_client import (
    AnswersExhausted,
    Capabilities,
    ConfigurationError,
    FormRequest,
    InvalidAnswers,
    ScriptedAnswers,
    UrlRequest,
    accept_defaults,
    decline_all,
    example_arguments,
    form_defaults,
)
from toolkit.elicitation import form_content_problems, requested_schema_problems


def form(schema=None, message="Q?") -> FormRequest:
    return FormRequest(message, schema or {"type": "object", "properties": {}})


def test_scripted_answers_in_order_then_exhausted():
    answers = ScriptedAnswers([{"action": "accept", "content": {"a": 1}}, {"action": "cancel"}])
    assert answers(form(message="one")).content == {"a": 1}
    assert answers(form(message="two")).action == "cancel"
    with pytest.raises(AnswersExhausted, match=r"elicitation #3 \('three'\); all 2 were used"):
        answers(form(message="three"))
    assert answers.asked == ["one", "two"]


def test_url_requests_get_only_the_action():
    answers = ScriptedAnswers([{"action": "accept", "content": {"a": 1}}])
    url = UrlRequest("go", "https://example.com", "e")
    result = answers(url)
    assert result.action == "accept" and result.content is None


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("accept", "Answer #1 is str"),
        ({"action": "yes"}, "action 'yes'; use one of accept, decline, cancel"),
        ({"action": "decline", "content": {"a": 1}}, "only an 'accept' answer carries content"),
        ({"action": "accept", "content": [1]}, "'content' must be an object"),
        ({"action": "accept", "content": {"a": {"b": 1}}}, "field 'a' is dict"),
        ({"action": "accept", "extra": 1}, "unknown keys ['extra']"),
    ],
)
def test_malformed_answers_are_refused_up_front(answer, message):
    with pytest.raises(InvalidAnswers) as caught:
        ScriptedAnswers([answer])
    assert message in str(caught.value)


def test_answers_file(tmp_path):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps([{"action": "decline"}]))
    assert ScriptedAnswers.from_file(path)(form()).action == "decline"
    path.write_text(json.dumps({"answers": [{"action": "cancel"}]}))
    assert ScriptedAnswers.from_file(path)(form()).action == "cancel"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "is not valid JSON"),
        ('{"action": "decline"}', "must hold a JSON list"),
        ('[{"action": "maybe"}]', "action 'maybe'"),
    ],
)
def test_bad_answers_files(tmp_path, text, message):
    path = tmp_path / "answers.json"
    path.write_text(text)
    with pytest.raises(InvalidAnswers, match=message):
        ScriptedAnswers.from_file(path)


def test_missing_answers_file(tmp_path):
    with pytest.raises(InvalidAnswers, match="Cannot read answers file"):
        ScriptedAnswers.from_file(tmp_path / "missing.json")


def test_accept_defaults_and_decline_all():
    schema = {
        "type": "object",
        "properties": {
            "name": {"type": "string", "default": "Ann"},
            "email": {"type": "string", "format": "email"},
            "size": {"type": "string", "enum": ["s", "m"]},
            "note": {"type": "string"},
        },
        "required": ["email", "size"],
    }
    assert accept_defaults(form(schema)).content == {"name": "Ann", "email": "user@example.com", "size": "s"}
    url = UrlRequest("go", "https://example.com", "e")
    assert accept_defaults(url).action == "accept"
    assert decline_all(form(schema)).action == "decline"


def test_example_arguments_follow_the_input_schema():
    schema = {
        "type": "object",
        "properties": {
            "a": {"type": "number"},
            "b": {"type": "integer", "minimum": 5},
            "when": {"type": "string", "format": "date-time"},
            "tags": {"type": "array", "items": {"type": "string"}, "minItems": 2},
            "address": {"$ref": "#/$defs/Address"},
            "maybe": {"anyOf": [{"type": "null"}, {"type": "boolean"}]},
            "optional": {"type": "string"},
        },
        "required": ["a", "b", "when", "tags", "address", "maybe"],
        "$defs": {"Address": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}},
    }
    assert example_arguments(schema) == {
        "a": 1,
        "b": 5,
        "when": "2025-01-01T00:00:00Z",
        "tags": ["x", "x"],
        "address": {"city": "x"},
        "maybe": False,
    }


# Flat form fields the protocol allows, with optional bounds and defaults.
_strings = st.fixed_dictionaries(
    {"type": st.just("string")},
    optional={
        "minLength": st.integers(0, 5),
        "format": st.sampled_from(["email", "uri", "date", "date-time"]),
    },
)
_numbers = st.fixed_dictionaries(
    {"type": st.sampled_from(["number", "integer"])},
    optional={"minimum": st.integers(-5, 5)},
)
_choices = st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=3, unique=True).map(
    lambda options: {"type": "string", "enum": options}
)
_multi = st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=3, unique=True).flatmap(
    lambda options: st.integers(0, len(options)).map(
        lambda low: {"type": "array", "items": {"type": "string", "enum": options}, "minItems": low}
    )
)
_fields = st.one_of(_strings, _numbers, _choices, _multi, st.just({"type": "boolean"}))


@given(st.dictionaries(st.sampled_from(["f1", "f2", "f3", "f4"]), _fields, min_size=1), st.data())
def test_form_defaults_always_fit_a_valid_form(properties, data):
    required = data.draw(st.lists(st.sampled_from(sorted(properties)), unique=True))
    schema = {"type": "object", "properties": properties, "required": required}
    assert requested_schema_problems(schema) == []
    content = form_defaults(schema)
    assert set(required) <= set(content)
    assert form_content_problems(schema, content) == []


def test_capability_specs():
    assert Capabilities.parse("elicitation.form, SAMPLING") == Capabilities(
        elicitation_form=True,
        elicitation_url=False,
        sampling=True,
        roots=False,
        roots_list_changed=False,
    )
    assert Capabilities.parse("none") == Capabilities.none()
    assert Capabilities.parse("roots.static").describe() == "roots"
    assert Capabilities().describe() == "elicitation.form, elicitation.url, sampling, roots, roots.listChanged"
    with pytest.raises(ConfigurationError, match="Unknown capability 'mind-reading'"):
        Capabilities.parse("sampling,mind-reading")
