"""Flattening of declared client capabilities, and the checks built on them."""

from __future__ import annotations

import pytest

from toolkit.server import ClientFeatures


def features(raw: dict) -> ClientFeatures:
    return ClientFeatures.from_capabilities(raw)


@pytest.mark.parametrize(
    ("raw", "form", "url"),
    [
        ({}, False, False),
        ({"elicitation": {}}, True, False),
        ({"elicitation": {"form": {}}}, True, False),
        ({"elicitation": {"url": {}}}, False, True),
        ({"elicitation": {"form": {}, "url": {}}}, True, True),
    ],
)
def test_elicitation_modes(raw, form, url):
    flat = features(raw)
    assert (flat.supports_elicitation("form"), flat.supports_elicitation("url")) == (form, url)


def test_sampling_sub_capabilities():
    assert not features({}).sampling
    plain = features({"sampling": {}})
    assert plain.sampling and not plain.sampling_context and not plain.sampling_tools
    full = features({"sampling": {"context": {}, "tools": {}}})
    assert full.sampling_context and full.sampling_tools


def test_roots():
    assert features({"roots": {"listChanged": True}}).roots_list_changed
    assert features({"roots": {}}).roots and not features({"roots": {}}).roots_list_changed


def test_missing_capabilities_object():
    assert ClientFeatures.from_capabilities(None) == ClientFeatures()
