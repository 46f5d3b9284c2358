"""Elicitation answers in the lab: scripted per call, starting over at each call, then defaults."""

from __future__ import annotations

import json

import pytest

from demo_client import FormRequest, InvalidAnswers, LabAnswers, UrlRequest

SCHEMA = {
    "type": "object",
    "properties": {"amount": {"type": "number", "minimum": 0}, "note": {"type": "string", "default": "lunch"}},
    "required": ["amount"],
}
FORM = FormRequest("How much?", SCHEMA)
URL = UrlRequest("Sign in", "https://example.com/", "e1")


def answers_of(handler: LabAnswers, tool: str, count: int) -> list[dict]:
    handler.start(tool)
    return [handler(FORM).to_wire() for _ in range(count)]


def test_without_a_script_every_form_gets_its_defaults_and_urls_are_accepted():
    handler = LabAnswers()
    handler.start("anything")
    assert handler(FORM).to_wire() == {
        "action": "accept",
        "content": {"amount": 0, "note": "lunch"},
    }
    assert handler(URL).action == "accept"


def test_a_tool_script_starts_over_at_each_call_then_falls_back_to_defaults():
    handler = LabAnswers({"add": [{"action": "accept", "content": {"amount": 5}}, {"action": "decline"}]})
    first = answers_of(handler, "add", 3)
    assert first == [
        {"action": "accept", "content": {"amount": 5}},
        {"action": "decline"},
        {"action": "accept", "content": {"amount": 0, "note": "lunch"}},
    ]
    assert answers_of(handler, "add", 3) == first
    assert answers_of(handler, "other", 1) == [{"action": "accept", "content": {"amount": 0, "note": "lunch"}}]


def test_the_star_script_answers_the_tools_not_named():
    handler = LabAnswers({"*": [{"action": "cancel"}], "add": [{"action": "decline"}]})
    assert answers_of(handler, "other", 1) == [{"action": "cancel"}]
    assert answers_of(handler, "add", 1) == [{"action": "decline"}]


def test_a_list_file_answers_every_tool(tmp_path):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps([{"action": "decline"}]))
    handler = LabAnswers.from_file(path)
    assert answers_of(handler, "a", 1) == answers_of(handler, "b", 1) == [{"action": "decline"}]


def test_an_object_file_answers_per_tool(tmp_path):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"a": [{"action": "cancel"}]}))
    handler = LabAnswers.from_file(path)
    assert answers_of(handler, "a", 1) == [{"action": "cancel"}]
    assert answers_of(handler, "b", 1)[0]["action"] == "accept"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[", "is not valid JSON"),
        ('"decline"', "must hold a JSON list of answers, or an object"),
        ('{"a": {"action": "decline"}}', "must hold a JSON list of answers, or an object"),
        ('{"a": [{"action": "maybe"}]}', "Answers for 'a': Answer #1 has action 'maybe'"),
    ],
)
def test_a_bad_file_says_what_is_wrong(tmp_path, text, message):
    path = tmp_path / "answers.json"
    path.write_text(text)
    with pytest.raises(InvalidAnswers, match=message):
        LabAnswers.from_file(path)


def test_a_missing_file_says_so(tmp_path):
    with pytest.raises(InvalidAnswers, match="Cannot read answers file"):
        LabAnswers.from_file(tmp_path / "nope.json")
