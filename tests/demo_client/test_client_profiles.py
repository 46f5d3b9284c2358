"""The eight client profiles of the negotiation lab declare exactly what their names say."""

from __future__ import annotations

import pytest

from demo_client import PROFILES, ConfigurationError
from demo_client.lab.profiles import choose_profiles

EXPECTED = {
    "nothing": {},
    "form": {"elicitation": {"form": {}}},
    "url": {"elicitation": {"url": {}}},
    "form+url": {"elicitation": {"form": {}, "url": {}}},
    "sampling": {"sampling": {}},
    "sampling+tools": {"sampling": {"tools": {}}},
    "roots": {"roots": {"listChanged": True}},
    "everything": {
        "elicitation": {"form": {}, "url": {}},
        "sampling": {"context": {}, "tools": {}},
        "roots": {"listChanged": True},
    },
}


def test_each_profile_declares_exactly_its_capabilities_on_the_wire():
    declared = {
        profile.name: profile.capabilities.declaration()
        for profile in PROFILES
    }
    assert declared == EXPECTED
    assert [profile.name for profile in PROFILES] == list(EXPECTED)


def test_choose_profiles_keeps_the_lab_order():
    assert [p.name for p in choose_profiles("everything, nothing,url")] == ["nothing", "url", "everything"]
    assert choose_profiles(None) == PROFILES


@pytest.mark.parametrize("names", ["nothing,sampling.tools", "", " , "])
def test_choose_profiles_names_the_choices_when_a_name_is_wrong(names):
    with pytest.raises(ConfigurationError, match="choose from: nothing, form, url, form\\+url"):
        choose_profiles(names)
